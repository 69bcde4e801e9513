// Publishes one message on one channel with ioredis, as a Node service would. Usage: node publish_typed.js PORT CHANNEL JSON
const Redis = require("ioredis");
const [port, channel, message] = process.argv.slice(2);
const redis = new Redis({ host: "127.0.0.1", port: Number(port), lazyConnect: false });
redis.publish(channel, message)
  .then((receivers) => { console.log(`published to ${receivers}`); return redis.quit(); })
  .catch((error) => { console.error(error); process.exit(1); });
