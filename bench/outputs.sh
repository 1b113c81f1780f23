#!/bin/sh
# Alerts/s each output sustains with 0 drops (bench/outputs.py).
set -eu
cd "$(dirname "$0")/.."
python3 bench/outputs.py
