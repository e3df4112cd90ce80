#!/bin/sh
# Runs the `rapport` CLI with the container's arguments, except commands a Prefect worker or an
# operator starts directly (prefect, python, uv, a shell), which run as given.
set -e
case "${1:-}" in
    prefect | python | python3 | uv | sh | bash) exec "$@" ;;
esac
exec rapport "$@"
