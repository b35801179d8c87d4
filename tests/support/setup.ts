// Tests never depend on the machine's time zone: everything passes Asia/Tokyo or another zone explicitly.
process.env.TZ = 'UTC';
