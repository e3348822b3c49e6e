#!/usr/bin/env bash
# Creates .venv and installs the project. Usage: scripts/setup.sh [app|test]
# Needs the package registries once (pip; apt for the test tools); running needs nothing. Re-installs only when the
# project's dependencies changed (a stamp of pyproject.toml and this script per mode), so a second start is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
PY="${PYTHON:-python3}"
stamp=".venv/.installed-$mode"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "首次安装（或依赖已变化）：正在创建 .venv 并安装依赖（含约 1 GB 的本地模型分包），通常需要 2–5 分钟……" >&2
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$mode" = "test" ]; then
  .venv/bin/python -m pip install -q -e ".[local-llm,dev]"
  # Browser tests use Debian's chromium and CJK fonts (never playwright's own download); the report test converts
  # the .docx with LibreOffice and reads the PDF.
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
     || ! command -v soffice >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-noto-cjk libreoffice-writer-nogui nginx-light >/dev/null
    else
      echo "warning: chromium/fonts-noto-cjk/libreoffice/nginx missing and cannot be installed; those tests are skipped" >&2
    fi
  fi
else
  .venv/bin/python -m pip install -q -e ".[local-llm]"
fi
echo "$want" > "$stamp"
echo "安装完成。" >&2
