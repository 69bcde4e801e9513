"""Subscribes to the outbound channel and prints the first COUNT messages, one JSON per line.
Usage: subscribe_outbound.py PORT CHANNEL COUNT"""
import sys

import redis

client = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
pubsub = client.pubsub(ignore_subscribe_messages=True)
pubsub.subscribe(sys.argv[2])
print("ready", flush=True)
remaining = int(sys.argv[3])
for message in pubsub.listen():
    print(message["data"].decode("utf-8"), flush=True)
    remaining -= 1
    if remaining == 0:
        break
