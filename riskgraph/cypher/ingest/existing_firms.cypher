// Returns {found: [fid]} — those of $ids that exist as Firm nodes.
UNWIND $ids AS id
MATCH (f:Firm {fid: id})
RETURN collect(f.fid) AS found
