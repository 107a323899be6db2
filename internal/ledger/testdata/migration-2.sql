CREATE TABLE price_keys (
	id INTEGER PRIMARY KEY,
	model TEXT NOT NULL, region TEXT NOT NULL, currency TEXT NOT NULL,
	UNIQUE (model, region, currency)
);
CREATE TABLE sums (
	bucket INTEGER NOT NULL, -- quarter of an hour since 1970 (UTC), floor(start_ms / 900000)
	price_key INTEGER NOT NULL,
	cached INTEGER NOT NULL, -- 1: answers from the local result cache; 0: requests sent
	source_lang TEXT NOT NULL, target_lang TEXT NOT NULL,
	requests INTEGER NOT NULL, -- how many (answers from the cache, when cached = 1)
	failures INTEGER NOT NULL, -- of them with a status other than ok or cached
	used     INTEGER NOT NULL, -- of them that used tokens
	prompt_audio_tokens INTEGER NOT NULL, prompt_video_tokens INTEGER NOT NULL,
	prompt_text_tokens INTEGER NOT NULL, completion_text_tokens INTEGER NOT NULL,
	completion_audio_tokens INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
	-- the costs recorded with the requests, added up
	cost REAL NOT NULL,
	PRIMARY KEY (bucket, price_key, cached, source_lang, target_lang)
) WITHOUT ROWID;
CREATE TABLE input_sums (
	input_sha256 TEXT NOT NULL,
	name_key TEXT NOT NULL, -- the input's name when it has no SHA-256, else ''
	price_key INTEGER NOT NULL,
	cached INTEGER NOT NULL, -- as in sums
	bucket INTEGER NOT NULL,
	requests INTEGER NOT NULL, -- how many (answers from the cache, when cached = 1)
	failures INTEGER NOT NULL, -- of them with a status other than ok or cached
	used     INTEGER NOT NULL, -- of them that used tokens
	prompt_audio_tokens INTEGER NOT NULL, prompt_video_tokens INTEGER NOT NULL,
	prompt_text_tokens INTEGER NOT NULL, completion_text_tokens INTEGER NOT NULL,
	completion_audio_tokens INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
	-- the costs recorded with the requests, added up
	cost REAL NOT NULL,
	-- the latest request (by start, then id) and its input
	last_start_ms INTEGER NOT NULL, last_id INTEGER NOT NULL, last_input TEXT NOT NULL,
	PRIMARY KEY (input_sha256, name_key, price_key, cached, bucket)
) WITHOUT ROWID;
INSERT INTO price_keys (model, region, currency) SELECT model, region, currency FROM requests WHERE true
	ON CONFLICT DO NOTHING;
INSERT INTO sums (bucket, price_key, cached, source_lang, target_lang, requests, failures, used, prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens, completion_audio_tokens, total_tokens, cost)
	SELECT ((r.start_ms - ((r.start_ms % 900000) + 900000) % 900000) / 900000), k.id, (r.status = 'cached'), r.source_lang, r.target_lang, 1, r.status NOT IN ('ok', 'cached'), (r.prompt_audio_tokens + r.prompt_video_tokens + r.prompt_text_tokens + r.completion_text_tokens + r.completion_audio_tokens + r.total_tokens) > 0, r.prompt_audio_tokens, r.prompt_video_tokens, r.prompt_text_tokens, r.completion_text_tokens, r.completion_audio_tokens, r.total_tokens, r.cost
	FROM requests AS r JOIN price_keys AS k ON (k.model, k.region, k.currency) = (r.model, r.region, r.currency) WHERE true
	ON CONFLICT (bucket, price_key, cached, source_lang, target_lang) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures, used = used + excluded.used, prompt_audio_tokens = prompt_audio_tokens + excluded.prompt_audio_tokens, prompt_video_tokens = prompt_video_tokens + excluded.prompt_video_tokens, prompt_text_tokens = prompt_text_tokens + excluded.prompt_text_tokens, completion_text_tokens = completion_text_tokens + excluded.completion_text_tokens, completion_audio_tokens = completion_audio_tokens + excluded.completion_audio_tokens, total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost;
INSERT INTO input_sums (input_sha256, name_key, price_key, cached, bucket, requests, failures, used, prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens, completion_audio_tokens, total_tokens, cost, last_start_ms, last_id, last_input)
	SELECT r.input_sha256, (CASE WHEN r.input_sha256 = '' THEN r.input ELSE '' END), k.id, (r.status = 'cached'), ((r.start_ms - ((r.start_ms % 900000) + 900000) % 900000) / 900000), 1, r.status NOT IN ('ok', 'cached'), (r.prompt_audio_tokens + r.prompt_video_tokens + r.prompt_text_tokens + r.completion_text_tokens + r.completion_audio_tokens + r.total_tokens) > 0, r.prompt_audio_tokens, r.prompt_video_tokens, r.prompt_text_tokens, r.completion_text_tokens, r.completion_audio_tokens, r.total_tokens, r.cost, r.start_ms, r.id, r.input
	FROM requests AS r JOIN price_keys AS k ON (k.model, k.region, k.currency) = (r.model, r.region, r.currency) WHERE true
	ON CONFLICT (input_sha256, name_key, price_key, cached, bucket) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures, used = used + excluded.used, prompt_audio_tokens = prompt_audio_tokens + excluded.prompt_audio_tokens, prompt_video_tokens = prompt_video_tokens + excluded.prompt_video_tokens, prompt_text_tokens = prompt_text_tokens + excluded.prompt_text_tokens, completion_text_tokens = completion_text_tokens + excluded.completion_text_tokens, completion_audio_tokens = completion_audio_tokens + excluded.completion_audio_tokens, total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost,
		last_input = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_input ELSE last_input END,
		last_id = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_id ELSE last_id END,
		last_start_ms = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_start_ms ELSE last_start_ms END;
CREATE TRIGGER requests_sums_insert AFTER INSERT ON requests BEGIN
INSERT INTO price_keys (model, region, currency) VALUES (NEW.model, NEW.region, NEW.currency)
	ON CONFLICT DO NOTHING;
INSERT INTO sums (bucket, price_key, cached, source_lang, target_lang, requests, failures, used, prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens, completion_audio_tokens, total_tokens, cost)
	SELECT ((NEW.start_ms - ((NEW.start_ms % 900000) + 900000) % 900000) / 900000), k.id, (NEW.status = 'cached'), NEW.source_lang, NEW.target_lang, 1, NEW.status NOT IN ('ok', 'cached'), (NEW.prompt_audio_tokens + NEW.prompt_video_tokens + NEW.prompt_text_tokens + NEW.completion_text_tokens + NEW.completion_audio_tokens + NEW.total_tokens) > 0, NEW.prompt_audio_tokens, NEW.prompt_video_tokens, NEW.prompt_text_tokens, NEW.completion_text_tokens, NEW.completion_audio_tokens, NEW.total_tokens, NEW.cost
	FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (NEW.model, NEW.region, NEW.currency)
	ON CONFLICT (bucket, price_key, cached, source_lang, target_lang) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures, used = used + excluded.used, prompt_audio_tokens = prompt_audio_tokens + excluded.prompt_audio_tokens, prompt_video_tokens = prompt_video_tokens + excluded.prompt_video_tokens, prompt_text_tokens = prompt_text_tokens + excluded.prompt_text_tokens, completion_text_tokens = completion_text_tokens + excluded.completion_text_tokens, completion_audio_tokens = completion_audio_tokens + excluded.completion_audio_tokens, total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost;
INSERT INTO input_sums (input_sha256, name_key, price_key, cached, bucket, requests, failures, used, prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens, completion_audio_tokens, total_tokens, cost, last_start_ms, last_id, last_input)
	SELECT NEW.input_sha256, (CASE WHEN NEW.input_sha256 = '' THEN NEW.input ELSE '' END), k.id, (NEW.status = 'cached'), ((NEW.start_ms - ((NEW.start_ms % 900000) + 900000) % 900000) / 900000), 1, NEW.status NOT IN ('ok', 'cached'), (NEW.prompt_audio_tokens + NEW.prompt_video_tokens + NEW.prompt_text_tokens + NEW.completion_text_tokens + NEW.completion_audio_tokens + NEW.total_tokens) > 0, NEW.prompt_audio_tokens, NEW.prompt_video_tokens, NEW.prompt_text_tokens, NEW.completion_text_tokens, NEW.completion_audio_tokens, NEW.total_tokens, NEW.cost, NEW.start_ms, NEW.id, NEW.input
	FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (NEW.model, NEW.region, NEW.currency)
	ON CONFLICT (input_sha256, name_key, price_key, cached, bucket) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures, used = used + excluded.used, prompt_audio_tokens = prompt_audio_tokens + excluded.prompt_audio_tokens, prompt_video_tokens = prompt_video_tokens + excluded.prompt_video_tokens, prompt_text_tokens = prompt_text_tokens + excluded.prompt_text_tokens, completion_text_tokens = completion_text_tokens + excluded.completion_text_tokens, completion_audio_tokens = completion_audio_tokens + excluded.completion_audio_tokens, total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost,
		last_input = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_input ELSE last_input END,
		last_id = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_id ELSE last_id END,
		last_start_ms = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_start_ms ELSE last_start_ms END;
END;
CREATE TRIGGER requests_sums_delete AFTER DELETE ON requests BEGIN
UPDATE sums SET requests = requests - (1), failures = failures - (OLD.status NOT IN ('ok', 'cached')), used = used - ((OLD.prompt_audio_tokens + OLD.prompt_video_tokens + OLD.prompt_text_tokens + OLD.completion_text_tokens + OLD.completion_audio_tokens + OLD.total_tokens) > 0), prompt_audio_tokens = prompt_audio_tokens - (OLD.prompt_audio_tokens), prompt_video_tokens = prompt_video_tokens - (OLD.prompt_video_tokens), prompt_text_tokens = prompt_text_tokens - (OLD.prompt_text_tokens), completion_text_tokens = completion_text_tokens - (OLD.completion_text_tokens), completion_audio_tokens = completion_audio_tokens - (OLD.completion_audio_tokens), total_tokens = total_tokens - (OLD.total_tokens), cost = cost - (OLD.cost)
	WHERE bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND source_lang = OLD.source_lang AND target_lang = OLD.target_lang;
DELETE FROM sums WHERE bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND source_lang = OLD.source_lang AND target_lang = OLD.target_lang AND requests = 0;
UPDATE input_sums SET requests = requests - (1), failures = failures - (OLD.status NOT IN ('ok', 'cached')), used = used - ((OLD.prompt_audio_tokens + OLD.prompt_video_tokens + OLD.prompt_text_tokens + OLD.completion_text_tokens + OLD.completion_audio_tokens + OLD.total_tokens) > 0), prompt_audio_tokens = prompt_audio_tokens - (OLD.prompt_audio_tokens), prompt_video_tokens = prompt_video_tokens - (OLD.prompt_video_tokens), prompt_text_tokens = prompt_text_tokens - (OLD.prompt_text_tokens), completion_text_tokens = completion_text_tokens - (OLD.completion_text_tokens), completion_audio_tokens = completion_audio_tokens - (OLD.completion_audio_tokens), total_tokens = total_tokens - (OLD.total_tokens), cost = cost - (OLD.cost)
	WHERE input_sha256 = OLD.input_sha256 AND name_key = (CASE WHEN OLD.input_sha256 = '' THEN OLD.input ELSE '' END) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000);
DELETE FROM input_sums WHERE input_sha256 = OLD.input_sha256 AND name_key = (CASE WHEN OLD.input_sha256 = '' THEN OLD.input ELSE '' END) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND requests = 0;
UPDATE input_sums SET (last_start_ms, last_id, last_input) = (
		SELECT r.start_ms, r.id, r.input FROM requests AS r JOIN price_keys AS k ON (k.model, k.region, k.currency) = (r.model, r.region, r.currency)
		WHERE k.id = input_sums.price_key
			AND r.start_ms >= input_sums.bucket * 900000 AND r.start_ms < (input_sums.bucket + 1) * 900000
			AND r.input_sha256 = input_sums.input_sha256 AND (CASE WHEN r.input_sha256 = '' THEN r.input ELSE '' END) = input_sums.name_key
			AND (r.status = 'cached') = input_sums.cached
		ORDER BY r.start_ms DESC, r.id DESC LIMIT 1)
	WHERE input_sha256 = OLD.input_sha256 AND name_key = (CASE WHEN OLD.input_sha256 = '' THEN OLD.input ELSE '' END) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND last_id = OLD.id;
END;
CREATE TRIGGER requests_sums_update AFTER UPDATE ON requests BEGIN
UPDATE sums SET requests = requests - (1), failures = failures - (OLD.status NOT IN ('ok', 'cached')), used = used - ((OLD.prompt_audio_tokens + OLD.prompt_video_tokens + OLD.prompt_text_tokens + OLD.completion_text_tokens + OLD.completion_audio_tokens + OLD.total_tokens) > 0), prompt_audio_tokens = prompt_audio_tokens - (OLD.prompt_audio_tokens), prompt_video_tokens = prompt_video_tokens - (OLD.prompt_video_tokens), prompt_text_tokens = prompt_text_tokens - (OLD.prompt_text_tokens), completion_text_tokens = completion_text_tokens - (OLD.completion_text_tokens), completion_audio_tokens = completion_audio_tokens - (OLD.completion_audio_tokens), total_tokens = total_tokens - (OLD.total_tokens), cost = cost - (OLD.cost)
	WHERE bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND source_lang = OLD.source_lang AND target_lang = OLD.target_lang;
DELETE FROM sums WHERE bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND source_lang = OLD.source_lang AND target_lang = OLD.target_lang AND requests = 0;
UPDATE input_sums SET requests = requests - (1), failures = failures - (OLD.status NOT IN ('ok', 'cached')), used = used - ((OLD.prompt_audio_tokens + OLD.prompt_video_tokens + OLD.prompt_text_tokens + OLD.completion_text_tokens + OLD.completion_audio_tokens + OLD.total_tokens) > 0), prompt_audio_tokens = prompt_audio_tokens - (OLD.prompt_audio_tokens), prompt_video_tokens = prompt_video_tokens - (OLD.prompt_video_tokens), prompt_text_tokens = prompt_text_tokens - (OLD.prompt_text_tokens), completion_text_tokens = completion_text_tokens - (OLD.completion_text_tokens), completion_audio_tokens = completion_audio_tokens - (OLD.completion_audio_tokens), total_tokens = total_tokens - (OLD.total_tokens), cost = cost - (OLD.cost)
	WHERE input_sha256 = OLD.input_sha256 AND name_key = (CASE WHEN OLD.input_sha256 = '' THEN OLD.input ELSE '' END) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000);
DELETE FROM input_sums WHERE input_sha256 = OLD.input_sha256 AND name_key = (CASE WHEN OLD.input_sha256 = '' THEN OLD.input ELSE '' END) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND requests = 0;
UPDATE input_sums SET (last_start_ms, last_id, last_input) = (
		SELECT r.start_ms, r.id, r.input FROM requests AS r JOIN price_keys AS k ON (k.model, k.region, k.currency) = (r.model, r.region, r.currency)
		WHERE k.id = input_sums.price_key
			AND r.start_ms >= input_sums.bucket * 900000 AND r.start_ms < (input_sums.bucket + 1) * 900000
			AND r.input_sha256 = input_sums.input_sha256 AND (CASE WHEN r.input_sha256 = '' THEN r.input ELSE '' END) = input_sums.name_key
			AND (r.status = 'cached') = input_sums.cached
		ORDER BY r.start_ms DESC, r.id DESC LIMIT 1)
	WHERE input_sha256 = OLD.input_sha256 AND name_key = (CASE WHEN OLD.input_sha256 = '' THEN OLD.input ELSE '' END) AND price_key = (SELECT k.id FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (OLD.model, OLD.region, OLD.currency)) AND cached = (OLD.status = 'cached') AND bucket = ((OLD.start_ms - ((OLD.start_ms % 900000) + 900000) % 900000) / 900000) AND last_id = OLD.id;
INSERT INTO price_keys (model, region, currency) VALUES (NEW.model, NEW.region, NEW.currency)
	ON CONFLICT DO NOTHING;
INSERT INTO sums (bucket, price_key, cached, source_lang, target_lang, requests, failures, used, prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens, completion_audio_tokens, total_tokens, cost)
	SELECT ((NEW.start_ms - ((NEW.start_ms % 900000) + 900000) % 900000) / 900000), k.id, (NEW.status = 'cached'), NEW.source_lang, NEW.target_lang, 1, NEW.status NOT IN ('ok', 'cached'), (NEW.prompt_audio_tokens + NEW.prompt_video_tokens + NEW.prompt_text_tokens + NEW.completion_text_tokens + NEW.completion_audio_tokens + NEW.total_tokens) > 0, NEW.prompt_audio_tokens, NEW.prompt_video_tokens, NEW.prompt_text_tokens, NEW.completion_text_tokens, NEW.completion_audio_tokens, NEW.total_tokens, NEW.cost
	FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (NEW.model, NEW.region, NEW.currency)
	ON CONFLICT (bucket, price_key, cached, source_lang, target_lang) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures, used = used + excluded.used, prompt_audio_tokens = prompt_audio_tokens + excluded.prompt_audio_tokens, prompt_video_tokens = prompt_video_tokens + excluded.prompt_video_tokens, prompt_text_tokens = prompt_text_tokens + excluded.prompt_text_tokens, completion_text_tokens = completion_text_tokens + excluded.completion_text_tokens, completion_audio_tokens = completion_audio_tokens + excluded.completion_audio_tokens, total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost;
INSERT INTO input_sums (input_sha256, name_key, price_key, cached, bucket, requests, failures, used, prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens, completion_audio_tokens, total_tokens, cost, last_start_ms, last_id, last_input)
	SELECT NEW.input_sha256, (CASE WHEN NEW.input_sha256 = '' THEN NEW.input ELSE '' END), k.id, (NEW.status = 'cached'), ((NEW.start_ms - ((NEW.start_ms % 900000) + 900000) % 900000) / 900000), 1, NEW.status NOT IN ('ok', 'cached'), (NEW.prompt_audio_tokens + NEW.prompt_video_tokens + NEW.prompt_text_tokens + NEW.completion_text_tokens + NEW.completion_audio_tokens + NEW.total_tokens) > 0, NEW.prompt_audio_tokens, NEW.prompt_video_tokens, NEW.prompt_text_tokens, NEW.completion_text_tokens, NEW.completion_audio_tokens, NEW.total_tokens, NEW.cost, NEW.start_ms, NEW.id, NEW.input
	FROM price_keys AS k WHERE (k.model, k.region, k.currency) = (NEW.model, NEW.region, NEW.currency)
	ON CONFLICT (input_sha256, name_key, price_key, cached, bucket) DO UPDATE SET requests = requests + excluded.requests, failures = failures + excluded.failures, used = used + excluded.used, prompt_audio_tokens = prompt_audio_tokens + excluded.prompt_audio_tokens, prompt_video_tokens = prompt_video_tokens + excluded.prompt_video_tokens, prompt_text_tokens = prompt_text_tokens + excluded.prompt_text_tokens, completion_text_tokens = completion_text_tokens + excluded.completion_text_tokens, completion_audio_tokens = completion_audio_tokens + excluded.completion_audio_tokens, total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost,
		last_input = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_input ELSE last_input END,
		last_id = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_id ELSE last_id END,
		last_start_ms = CASE WHEN (excluded.last_start_ms, excluded.last_id) > (last_start_ms, last_id) THEN excluded.last_start_ms ELSE last_start_ms END;
END;
