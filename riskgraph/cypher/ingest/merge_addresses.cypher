// Upserts address nodes. $rows: [{aid, text, raw, region}]; the first raw spelling seen is kept.
UNWIND $rows AS row
MERGE (a:Address {aid: row.aid})
ON CREATE SET a.text = row.text, a.raw = row.raw
SET a.region = coalesce(row.region, a.region)
