// The vendor's Node.js quick start for qwen3-livetranslate-flash (OpenAI SDK, streaming), with a
// local file sent as its guide says ("Send a Base64-encoded local file": read the file, encode it
// as Base64, pass a data URI). It is the peer `make bench` measures livetranslate against, so it
// stays as a user would copy it: no streaming of the body, no tuning.
//
// usage: node translate.mjs FILE [FORMAT] [TARGET]   (DASHSCOPE_API_KEY, DASHSCOPE_BASE_URL)
import fs from "node:fs";
import OpenAI from "openai";

const [file, format = "wav", target = "en"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node translate.mjs FILE [FORMAT] [TARGET]");
  process.exit(2);
}

const client = new OpenAI({
  apiKey: process.env.DASHSCOPE_API_KEY,
  baseURL: process.env.DASHSCOPE_BASE_URL ?? "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
});

async function main() {
  const base64Audio = fs.readFileSync(file).toString("base64");
  const completion = await client.chat.completions.create({
    model: "qwen3-livetranslate-flash",
    messages: [
      {
        role: "user",
        content: [
          {
            type: "input_audio",
            input_audio: { data: `data:audio/${format};base64,${base64Audio}`, format },
          },
        ],
      },
    ],
    modalities: ["text"],
    stream: true,
    stream_options: { include_usage: true },
    translation_options: { target_lang: target },
  });
  for await (const chunk of completion) {
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) process.stdout.write(text);
  }
  process.stdout.write("\n");
}

main().catch((err) => {
  console.error(`peer-node: ${err.message}`);
  process.exit(1);
});
