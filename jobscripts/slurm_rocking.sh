#!/bin/bash
#SBATCH --job-name=takagi-rocking
#SBATCH --nodes=1
#SBATCH --ntasks=8
#SBATCH --time=00:10:00
#SBATCH --output=takagi-rocking-%j.log
# Usage: sbatch jobscripts/slurm_rocking.sh inputs/bent_si111.yaml
set -euo pipefail
deck=${1:?give a YAML deck, e.g. inputs/bent_si111.yaml}
mkdir -p out
srun build/takagi rocking -options_file_yaml "$deck" -log_view ":out/rocking-${SLURM_JOB_ID}.log"
