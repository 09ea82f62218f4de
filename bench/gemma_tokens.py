"""Count Gemma 3 tokens offline, with the tokenizer inside the GGUF file (no model weights run).

Runs in the interpreter that has llama-cpp-python (the `local` extra, e.g. /work/venv-local),
so the main environment does not need it.  Reads JSON from stdin:
    {"model": PATH, "texts": [str, ...], "chats": [[{"role":..., "content":...}, ...], ...]}
and writes {"texts": [n, ...], "chats": [n, ...]}: a text counts without BOS or special tokens;
a chat is rendered with llama-cpp-python's `gemma` chat format, as the recording server does
(chat_format gemma: the system message is dropped), and counted as the server counts it.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    import llama_cpp
    from llama_cpp.llama_chat_format import format_gemma

    req = json.load(sys.stdin)
    llm = llama_cpp.Llama(model_path=req["model"], vocab_only=True, verbose=False)
    texts = [len(llm.tokenize(t.encode("utf-8"), add_bos=False, special=False)) for t in req.get("texts", [])]
    chats = []
    for messages in req.get("chats", []):
        r = format_gemma(messages=messages)
        chats.append(len(llm.tokenize(r.prompt.encode("utf-8"), add_bos=not r.added_special, special=True)))
    json.dump({"texts": texts, "chats": chats}, sys.stdout)


if __name__ == "__main__":
    main()
