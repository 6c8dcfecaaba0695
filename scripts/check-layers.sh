#!/usr/bin/env bash
# Checks that every #include between folders of the source tree goes down
# the layers of scripts/layers.txt, so the folders keep no cycle and the
# engine stays free of the domain and the providers. Fails naming each
# include that does not, and any source folder the file does not place.
#   scripts/check-layers.sh          the tree this script is in
#   scripts/check-layers.sh DIR      another checkout (a planted back edge, say)
set -Eeuo pipefail
root="${1:-$(dirname "${BASH_SOURCE[0]}")/..}"
cd "$root"
layers=scripts/layers.txt

# Every folder holding sources, and every include in them: "folder file:line target-folder".
sources=$(find engine cluster providers state cli -name '*.cc' -o -name '*.h' -o -name '*.cpp' | sort)
includes=$(grep -Hn '^#include "' $sources | sed -E 's|^(([^:]*)/[^/:]*):([0-9]+):#include "(.*)/[^/"]*".*$|\2 \1:\3 \4|')

awk -v layers_file="$layers" -v source_list="$sources" '
  BEGIN {
    rank_count = 0
    while ((getline line < layers_file) > 0) {
      sub(/#.*/, "", line)
      if (line ~ /^[ \t]*$/) continue
      if (line ~ /^only /) {
        split(line, parts, ":"); split(parts[1], head, " ")
        only[head[2]] = " " parts[2] " "
        continue
      }
      rank_count++
      n = split(line, folders, " ")
      for (i = 1; i <= n; i++) rank[folders[i]] = rank_count
    }
    n = split(source_list, files, "\n")
    for (i = 1; i <= n; i++) {
      folder = files[i]; sub(/\/[^\/]*$/, "", folder)
      if (!(folder in rank) && !(folder in unplaced)) {
        unplaced[folder] = 1
        printf "check-layers: %s holds sources but has no layer in %s\n", folder, layers_file
        bad++
      }
    }
  }
  {
    from = $1; where = $2; to = $3
    if (from == to || !(from in rank)) next
    edges[from " -> " to] = 1
    if (!(to in rank)) {
      printf "check-layers: %s includes %s, which is no source folder of %s\n", where, to, layers_file
      bad++
    } else if (rank[to] >= rank[from]) {
      printf "check-layers: %s: %s includes %s, which is not below it in %s\n", where, from, to, layers_file
      bad++
    } else if ((to in only) && index(only[to], " " from " ") == 0) {
      printf "check-layers: %s: %s includes %s, which only%s may include\n", where, from, to, only[to]
      bad++
    }
  }
  END {
    for (e in edges) count++
    if (bad) { printf "check-layers: %d include(s) against the layers\n", bad; exit 1 }
    printf "layers: %d folders in %d layers, %d include edges between folders, all downward\n", length(rank), rank_count, count
  }' <<< "$includes"
