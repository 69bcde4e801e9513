"""Deletes every key matching a pattern with SCAN and DEL, as a Python clean-up job would.
Usage: scan_delete.py PORT PATTERN"""
import sys

import redis

client = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
deleted = 0
for key in client.scan_iter(match=sys.argv[2], count=100):
    deleted += client.delete(key)
print(f"deleted {deleted}", flush=True)
