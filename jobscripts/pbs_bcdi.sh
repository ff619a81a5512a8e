#!/bin/bash
#PBS -N takagi-bcdi
#PBS -l select=4:ncpus=32:mpiprocs=32:mem=64gb
#PBS -l walltime=00:15:00
#PBS -j oe
# takagi bcdi over many nodes under PBS Pro / OpenPBS (Torque: -l nodes=4:ppn=32,pmem=2gb). The ranks form
# ANGLE_GROUPS angle groups; each group solves every ANGLE_GROUPS-th rocking angle with the slices of the crystal
# split over its ranks / ANGLE_GROUPS ranks. Size a job with jobscripts/README.md ("Sizing a bcdi job").
# Without a deck it runs the README's worked example: TT grid 687 x 2229 x 687 (1.05e9 voxels, "1024^3") x 128
# angles on 4 x 32 ranks = 8 angle groups x 16 ranks, about 0.8 GB per rank and 20 s of solve.
#
# Usage (from the repository root, with build/takagi built):
#   qsub jobscripts/pbs_bcdi.sh                                     # the built-in 1024^3 x 128 example
#   qsub -v DECK=deck.yaml,ANGLE_GROUPS=4 jobscripts/pbs_bcdi.sh    # a YAML deck
#   qsub -v DECK=deck.yaml,EXTRA="-mode both" jobscripts/pbs_bcdi.sh
# Writes out/bcdi-<jobid>.cxi (-mode both: also out/bcdi-<jobid>_kinematic.cxi) and out/bcdi-<jobid>.log.
set -euo pipefail
cd "${PBS_O_WORKDIR:-.}"
groups=${ANGLE_GROUPS:-8}
nranks=$(wc -l <"${PBS_NODEFILE:?submit with qsub (PBS_NODEFILE is not set)}")
nnodes=$(sort -u "$PBS_NODEFILE" | wc -l)
if ((groups < 1 || nranks % groups != 0)); then
  echo "pbs_bcdi.sh: ANGLE_GROUPS=$groups must divide the $nranks ranks" >&2
  exit 1
fi
if [[ -n ${DECK:-} ]]; then
  deck=(-options_file_yaml "$DECK")
else
  # README worked example; every option explicit so that a change of a default cannot change the job
  # shellcheck disable=SC2054  # the commas are inside option values (-hkl 1,1,1)
  deck=(-crystal Au -hkl 1,1,1 -energy_keV 9 -polarization sigma -shape sphere -size_nm 3400 -voxel_nm 5
        -dislocation edge -detector_distance_m 2 -pixel_um 55 -frame_px 256,256 -rocking_mrad -2,2,128
        -mode dynamical)
fi
read -r -a extra <<<"${EXTRA:-}"
id=${PBS_JOBID%%.*}
mkdir -p out
echo "takagi bcdi: $nranks ranks on $nnodes node(s) = $groups angle group(s) x $((nranks / groups)) ranks per slice group"
export OMP_NUM_THREADS=1
mpiexec -n "$nranks" build/takagi bcdi "${deck[@]}" -angle_groups "$groups" -progress \
  -o "out/bcdi-${id}.cxi" -log_view ":out/bcdi-${id}.log" ${extra[@]+"${extra[@]}"}
