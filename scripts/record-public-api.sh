#!/usr/bin/env bash
# Records public API that the build reports as unrecorded (RS0016) in each packable project's PublicAPI.Unshipped.txt.
# Run it after a deliberate API change, or after merging branches that each added API; review the diff. Lines of
# removed API (RS0017) are deleted by hand: the analyzer has no automatic fix for them.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/Grains.Interfaces src/Client src/Grains src/Redis src/Hybrid src/TestingHost src/Cli; do
  echo "Recording the public API of $project..."
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info
done
