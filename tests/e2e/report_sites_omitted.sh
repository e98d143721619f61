# report --format json says how many sites --top left out ("sites_omitted", right after
# "sites"), in the report and in each child's; the keys it had before stay as they were, and
# newer ones come after them.
source "$(dirname "$0")/lib.sh"

"$LEAKRANK" run -o t.lrk -- "$TOKENIZER" --docs 2000 >/dev/null 2>err || fail "run: $(cat err)"
"$LEAKRANK" report t.lrk --top 0 --format json >all.json 2>err || fail "report --top 0: $(cat err)"
total=$(jq '.sites | length' all.json)
((total > 3)) || fail "the tokenizer has only $total sites"
expect_eq "$(jq '.sites_omitted' all.json)" 0 "sites_omitted with --top 0"

"$LEAKRANK" report t.lrk --top 3 --format json >top3.json 2>err || fail "report --top 3: $(cat err)"
expect_eq "$(jq '.sites | length' top3.json)" 3 "sites shown with --top 3"
expect_eq "$(jq '.sites_omitted' top3.json)" $((total - 3)) "sites_omitted with --top 3"
expect_eq "$(jq -c 'keys_unsorted' top3.json)" \
  '["recording","command","duration_s","peak_heap_bytes","end_heap_bytes","teardown_start_s","peak_rss_bytes","total_allocations","total_frees","sites","sites_omitted","estimated","complete","warnings","images","rss_explained","skipped_wrappers"]' \
  "keys of the report JSON"

"$LEAKRANK" export t.lrk --format json -o export.json 2>err || fail "export --format json: $(cat err)"
expect_eq "$(jq '.sites_omitted' export.json)" 0 "sites_omitted of export, which lists every site"

# Each child report counts its own sites.
"$LEAKRANK" run --include-children -o fam.lrk -- "$LIFECYCLE" fork >/dev/null 2>err || fail "run fork: $(cat err)"
"$LEAKRANK" report fam.lrk --top 1 --format json >fam.json 2>err || fail "report fam.lrk: $(cat err)"
(($(jq '.children | length' fam.json) > 0)) || fail "no child report in fam.json"
"$LEAKRANK" report fam.lrk --top 0 --format json >fam_all.json 2>err || fail "report fam.lrk --top 0: $(cat err)"
expected=$(jq -c '[.children[] | (.sites | length) - 1 | if . < 0 then 0 else . end]' fam_all.json)
expect_eq "$(jq -c '[.children[] | .sites_omitted]' fam.json)" "$expected" "sites_omitted of each child with --top 1"
echo "report_sites_omitted: ok"
