#!/bin/bash
# Two more rounds (e, f) after rounds.sh, the same way, into rounds/, alone from the repository root.
R=results/zen5-2026-12-07 ROUNDS="e f" exec results/zen5-2026-12-06/rounds.sh
