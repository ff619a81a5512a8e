#!/bin/bash
#PBS -N takagi-rocking
#PBS -l select=1:ncpus=8:mpiprocs=8
#PBS -l walltime=00:10:00
#PBS -j oe
# Usage: qsub -v DECK=inputs/bent_si111.yaml jobscripts/pbs_rocking.sh
set -euo pipefail
cd "${PBS_O_WORKDIR:-.}"
deck=${DECK:?set DECK to a YAML deck, e.g. qsub -v DECK=inputs/bent_si111.yaml}
mkdir -p out
mpiexec -n "$(wc -l < "$PBS_NODEFILE")" build/takagi rocking -options_file_yaml "$deck" -log_view ":out/rocking-${PBS_JOBID}.log"
