package ledger

import (
	"fmt"
	"strings"
)

// The ledger keeps running sums beside its requests so that `usage` over a large ledger reads
// sums instead of every request: a million requests take seconds to read and add up one by one.
// Triggers on requests keep the sums in the statement that inserts (updates, deletes) a request,
// so that a sum never disagrees with its requests:
//
//   - price_keys: the (model, region, recorded currency) the requests have been sent with, each
//     under a number; a price depends on these three only, so the sums are kept by price key.
//   - sums: the requests of each quarter of an hour (UTC) by price key, cached or sent, and
//     language pair; what the summary, by day, by model and by language read. A quarter of an
//     hour divides every local day of every time zone in use (offsets are whole quarters: +5:45,
//     +12:45).
//   - input_sums: the requests of each quarter of an hour by input (its content's SHA-256, or its
//     name when it has none), price key, and cached or sent, with the latest request's name;
//     what `usage --by input` reads. Its key starts with the input, so the groups come out of it
//     in order.
//
// Answers from the local result cache (status cached) are summed apart from the requests sent,
// under cached = 1: nothing was sent or paid for them, and their tokens are what they would have
// used, which priced say what the cache saved. A sum holds one or the other, never both, so the
// requests, failures and tokens of the requests sent never count an answer from the cache.
//
// Costs are not in the sums: a price is per token of each kind, so the cost of a sum of tokens of
// one model in one region is the sum of the costs, and the report applies the price table of its
// day. A window that starts or ends within a quarter reads that quarter's requests themselves.

// bucketMS is the length of a bucket, the quarter of an hour the sums are kept by. Migration 2
// holds the same number; it cannot change without a migration.
const bucketMS = 15 * 60 * 1000

// bucketOf is the bucket of a start time in Unix milliseconds (rounded down, before 1970 too).
func bucketOf(ms int64) int64 { return floorDiv(ms, bucketMS) }

// tokenColumns are the token counts of a request, summed as they are.
var tokenColumns = []string{"prompt_audio_tokens", "prompt_video_tokens", "prompt_text_tokens",
	"completion_text_tokens", "completion_audio_tokens", "total_tokens"}

// sumColumns are the columns of a sum, in the order of sumValues.
var sumColumns = append([]string{"requests", "failures", "used"}, append(tokenColumns[:len(tokenColumns):len(tokenColumns)], "cost")...)

// sumsSchema is migration 2: the sums, filled from the requests already there, and the triggers
// that keep them. It is generated, but once released its text must never change
// (TestSumsSchemaIsFrozen holds it to testdata/migration-2.sql).
func sumsSchema() string {
	sumDefs := `
		requests INTEGER NOT NULL, -- how many (answers from the cache, when cached = 1)
		failures INTEGER NOT NULL, -- of them with a status other than ok or cached
		used     INTEGER NOT NULL, -- of them that used tokens
		prompt_audio_tokens INTEGER NOT NULL, prompt_video_tokens INTEGER NOT NULL,
		prompt_text_tokens INTEGER NOT NULL, completion_text_tokens INTEGER NOT NULL,
		completion_audio_tokens INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
		-- the costs recorded with the requests, added up
		cost REAL NOT NULL`
	var b strings.Builder
	fmt.Fprintf(&b, `CREATE TABLE price_keys (
	id INTEGER PRIMARY KEY,
	model TEXT NOT NULL, region TEXT NOT NULL, currency TEXT NOT NULL,
	UNIQUE (model, region, currency)
);
CREATE TABLE sums (
	bucket INTEGER NOT NULL, -- quarter of an hour since 1970 (UTC), floor(start_ms / %[1]d)
	price_key INTEGER NOT NULL,
	cached INTEGER NOT NULL, -- 1: answers from the local result cache; 0: requests sent
	source_lang TEXT NOT NULL, target_lang TEXT NOT NULL,%[2]s,
	PRIMARY KEY (bucket, price_key, cached, source_lang, target_lang)
) WITHOUT ROWID;
CREATE TABLE input_sums (
	input_sha256 TEXT NOT NULL,
	name_key TEXT NOT NULL, -- the input's name when it has no SHA-256, else ''
	price_key INTEGER NOT NULL,
	cached INTEGER NOT NULL, -- as in sums
	bucket INTEGER NOT NULL,%[2]s,
	-- the latest request (by start, then id) and its input
	last_start_ms INTEGER NOT NULL, last_id INTEGER NOT NULL, last_input TEXT NOT NULL,
	PRIMARY KEY (input_sha256, name_key, price_key, cached, bucket)
) WITHOUT ROWID;
`, bucketMS, strings.ReplaceAll(sumDefs, "\n\t\t", "\n\t"))
	// The backfill is the triggers' own statements over every request, in one pass each.
	b.WriteString(`INSERT INTO price_keys (model, region, currency) SELECT model, region, currency FROM requests WHERE true
	ON CONFLICT DO NOTHING;
`)
	b.WriteString(addSums("r.", "FROM requests AS r JOIN price_keys AS k ON (k.model, k.region, k.currency) = (r.model, r.region, r.currency)"))
	fmt.Fprintf(&b, "CREATE TRIGGER requests_sums_insert AFTER INSERT ON requests BEGIN\n%sEND;\n", addKeyAndSums("NEW."))
	fmt.Fprintf(&b, "CREATE TRIGGER requests_sums_delete AFTER DELETE ON requests BEGIN\n%sEND;\n", removeSums("OLD."))
	fmt.Fprintf(&b, "CREATE TRIGGER requests_sums_update AFTER UPDATE ON requests BEGIN\n%s%sEND;\n",
		removeSums("OLD."), addKeyAndSums("NEW."))
	return b.String()
}

// bucketExpr is the bucket of p's start_ms in SQL: floor division, as bucketOf.
func bucketExpr(p string) string {
	return fmt.Sprintf("((%[1]sstart_ms - ((%[1]sstart_ms %% %[2]d) + %[2]d) %% %[2]d) / %[2]d)", p, bucketMS)
}

// nameKeyExpr is input_sums.name_key of p.
func nameKeyExpr(p string) string {
	return fmt.Sprintf("(CASE WHEN %[1]sinput_sha256 = '' THEN %[1]sinput ELSE '' END)", p)
}

// cachedExpr is sums.cached of p: whether it was answered from the cache.
func cachedExpr(p string) string {
	return fmt.Sprintf("(%sstatus = '%s')", p, StatusCached)
}

// priceKeyOf is the SQL condition that price key k (a price_keys row) is p's.
func priceKeyOf(k, p string) string {
	return fmt.Sprintf("(%[1]smodel, %[1]sregion, %[1]scurrency) = (%[2]smodel, %[2]sregion, %[2]scurrency)", k, p)
}

// sumValues are the values request p adds to a sum, in the order of sumColumns: one request,
// whether it failed (an answer from the cache did not), whether it used tokens, its tokens, its
// recorded cost.
func sumValues(p string) []string {
	tokens := make([]string, len(tokenColumns))
	for i, c := range tokenColumns {
		tokens[i] = p + c
	}
	vals := []string{"1", fmt.Sprintf("%sstatus NOT IN ('%s', '%s')", p, StatusOK, StatusCached), "(" + strings.Join(tokens, " + ") + ") > 0"}
	vals = append(vals, tokens...)
	return append(vals, p+"cost")
}

// addKeyAndSums adds request p (NEW.) to price_keys when its key is new, and to the sums.
func addKeyAndSums(p string) string {
	return fmt.Sprintf("INSERT INTO price_keys (model, region, currency) VALUES (%[1]smodel, %[1]sregion, %[1]scurrency)\n"+
		"\tON CONFLICT DO NOTHING;\n", p) +
		addSums(p, "FROM price_keys AS k WHERE "+priceKeyOf("k.", p))
}

// addSums adds request p to both tables of sums: an upsert each, whose conflict adds the request's
// values to the sum (and makes it the latest when it is: a later start, or the same start and a
// later id). from gives p's rows, joined with their price key k.
func addSums(p, from string) string {
	set := make([]string, len(sumColumns))
	for i, c := range sumColumns {
		set[i] = fmt.Sprintf("%[1]s = %[1]s + excluded.%[1]s", c)
	}
	later := "(excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id)"
	if !strings.Contains(from, " WHERE ") {
		from += " WHERE true" // tells SQLite's parser that ON CONFLICT is the upsert's, not a join's
	}
	return fmt.Sprintf(`INSERT INTO sums (bucket, price_key, cached, source_lang, target_lang, %[1]s)
	SELECT %[2]s, k.id, %[9]s, %[3]ssource_lang, %[3]starget_lang, %[4]s
	%[5]s
	ON CONFLICT (bucket, price_key, cached, source_lang, target_lang) DO UPDATE SET %[6]s;
INSERT INTO input_sums (input_sha256, name_key, price_key, cached, bucket, %[1]s, last_start_ms, last_id, last_input)
	SELECT %[3]sinput_sha256, %[7]s, k.id, %[9]s, %[2]s, %[4]s, %[3]sstart_ms, %[3]sid, %[3]sinput
	%[5]s
	ON CONFLICT (input_sha256, name_key, price_key, cached, bucket) DO UPDATE SET %[6]s,
		last_input = CASE WHEN %[8]s THEN excluded.last_input ELSE last_input END,
		last_id = CASE WHEN %[8]s THEN excluded.last_id ELSE last_id END,
		last_start_ms = CASE WHEN %[8]s THEN excluded.last_start_ms ELSE last_start_ms END;
`, strings.Join(sumColumns, ", "), bucketExpr(p), p, strings.Join(sumValues(p), ", "), from, strings.Join(set, ", "), nameKeyExpr(p), later,
		cachedExpr(p))
}

// removeSums takes request p (OLD.) out of both tables: its values subtracted, a sum left with no
// request deleted, and the latest request found again among the bucket's requests when it was p.
func removeSums(p string) string {
	vals := sumValues(p)
	set := make([]string, len(sumColumns))
	for i, c := range sumColumns {
		set[i] = fmt.Sprintf("%s = %s - (%s)", c, c, vals[i])
	}
	subtract := strings.Join(set, ", ")
	key := fmt.Sprintf("(SELECT k.id FROM price_keys AS k WHERE %s)", priceKeyOf("k.", p))
	sumsKey := fmt.Sprintf("bucket = %[1]s AND price_key = %[2]s AND cached = %[4]s AND source_lang = %[3]ssource_lang AND target_lang = %[3]starget_lang",
		bucketExpr(p), key, p, cachedExpr(p))
	inputKey := fmt.Sprintf("input_sha256 = %[3]sinput_sha256 AND name_key = %[4]s AND price_key = %[2]s AND cached = %[5]s AND bucket = %[1]s",
		bucketExpr(p), key, p, nameKeyExpr(p), cachedExpr(p))
	var b strings.Builder
	for _, t := range []struct{ table, key string }{{"sums", sumsKey}, {"input_sums", inputKey}} {
		fmt.Fprintf(&b, "UPDATE %s SET %s\n\tWHERE %s;\n", t.table, subtract, t.key)
		fmt.Fprintf(&b, "DELETE FROM %s WHERE %s AND requests = 0;\n", t.table, t.key)
	}
	fmt.Fprintf(&b, `UPDATE input_sums SET (last_start_ms, last_id, last_input) = (
		SELECT r.start_ms, r.id, r.input FROM requests AS r JOIN price_keys AS k ON %[1]s
		WHERE k.id = input_sums.price_key
			AND r.start_ms >= input_sums.bucket * %[2]d AND r.start_ms < (input_sums.bucket + 1) * %[2]d
			AND r.input_sha256 = input_sums.input_sha256 AND %[3]s = input_sums.name_key
			AND %[6]s = input_sums.cached
		ORDER BY r.start_ms DESC, r.id DESC LIMIT 1)
	WHERE %[4]s AND last_id = %[5]sid;
`, priceKeyOf("k.", "r."), bucketMS, nameKeyExpr("r."), inputKey, p, cachedExpr("r."))
	return b.String()
}
