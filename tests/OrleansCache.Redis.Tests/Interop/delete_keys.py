"""Deletes keys with plain DEL, as a Python service that only knows Redis would. Usage: delete_keys.py PORT KEY..."""
import sys

import redis

client = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
print(f"deleted {client.delete(*sys.argv[2:])}", flush=True)
