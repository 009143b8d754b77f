#!/bin/sh
# Generate the Python client (the package `partnership_api_client`) with openapi-python-client.
#
#   clients/python/generate.sh [DOCUMENT] [FOLDER]
#
# DOCUMENT is the service's OpenAPI document, a URL or a file (default: `make run`'s,
# http://127.0.0.1:8000/openapi.json); the package goes into FOLDER (default:
# clients/python/generated, git-ignored), so `PYTHONPATH=FOLDER` imports it. Any warning fails
# the generation: a warning means an operation or a schema is missing from the client.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
document=${1:-http://127.0.0.1:8000/openapi.json}
folder=${2:-$here/generated}
case $document in
  http://* | https://*) source=--url ;;
  *) source=--path ;;
esac
exec openapi-python-client generate "$source" "$document" \
  --config "$here/config.yaml" --meta none --overwrite --fail-on-warning \
  --output-path "$folder/partnership_api_client"
