// Creates one :Rating per firm for a run, linked (:Firm)-[:RATED]->(:Rating). Columns as parallel lists:
// $node (Firm internal ids), $fid, $score, $cls, $reasons (JSON list), $detail (JSON: own score, received
// risk, indicator set), $digest; scalars $run_id, $month, $model_version. Returns nothing.
UNWIND range(0, size($node) - 1) AS k
MATCH (f) WHERE id(f) = $node[k]
CREATE (f)-[:RATED]->(:Rating {run_id: $run_id, month: $month, model_version: $model_version, fid: $fid[k],
                               score: $score[k], class: $cls[k], reasons: $reasons[k], detail: $detail[k],
                               digest: $digest[k]})
