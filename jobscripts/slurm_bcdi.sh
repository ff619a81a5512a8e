#!/bin/bash
#SBATCH --job-name=takagi-bcdi
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=32
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=2G
#SBATCH --time=00:15:00
#SBATCH --output=takagi-bcdi-%j.log
# takagi bcdi over many nodes: the ntasks ranks form ANGLE_GROUPS angle groups; each group solves every
# ANGLE_GROUPS-th rocking angle with the slices of the crystal split over its ntasks / ANGLE_GROUPS ranks (the
# "slice group", which holds one copy of the object). Size a job with jobscripts/README.md ("Sizing a bcdi job").
# Without a deck it runs the README's worked example: a 3.4 um Au(111) sphere with an edge dislocation at 5 nm
# voxels (TT grid 687 x 2229 x 687 = 1.05e9 voxels, "1024^3") x 128 rocking angles on 4 x 32 ranks = 8 angle
# groups x 16 ranks: about 0.8 GB per rank and 20 s of solve.
#
# Usage (from the repository root, with build/takagi built):
#   sbatch jobscripts/slurm_bcdi.sh                                    # the built-in 1024^3 x 128 example
#   sbatch jobscripts/slurm_bcdi.sh deck.yaml [more takagi options]    # a YAML deck (options after it override)
#   ANGLE_GROUPS=4 sbatch --nodes=2 jobscripts/slurm_bcdi.sh deck.yaml -mode both
# Writes out/bcdi-<jobid>.cxi (-mode both: also out/bcdi-<jobid>_kinematic.cxi) and the -log_view profile
# out/bcdi-<jobid>.log (TkTT3DMarch, TkFarField per rank).
set -euo pipefail
groups=${ANGLE_GROUPS:-8}
ntasks=${SLURM_NTASKS:?submit with sbatch (SLURM_NTASKS is not set)}
if ((groups < 1 || ntasks % groups != 0)); then
  echo "slurm_bcdi.sh: ANGLE_GROUPS=$groups must divide the $ntasks tasks" >&2
  exit 1
fi
deck=()
if [[ $# -gt 0 && $1 != -* ]]; then
  deck=(-options_file_yaml "$1")
  shift
else
  # README worked example; every option explicit so that a change of a default cannot change the job
  # shellcheck disable=SC2054  # the commas are inside option values (-hkl 1,1,1)
  deck=(-crystal Au -hkl 1,1,1 -energy_keV 9 -polarization sigma -shape sphere -size_nm 3400 -voxel_nm 5
        -dislocation edge -detector_distance_m 2 -pixel_um 55 -frame_px 256,256 -rocking_mrad -2,2,128
        -mode dynamical)
fi
mkdir -p out
echo "takagi bcdi: $ntasks ranks on ${SLURM_JOB_NUM_NODES:-?} node(s) = $groups angle group(s) x $((ntasks / groups)) ranks per slice group"
export OMP_NUM_THREADS=1
srun --cpu-bind=cores build/takagi bcdi "${deck[@]}" -angle_groups "$groups" -progress \
  -o "out/bcdi-${SLURM_JOB_ID}.cxi" -log_view ":out/bcdi-${SLURM_JOB_ID}.log" "$@"
