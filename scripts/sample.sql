-- The sample shop for `make demo` and docker-compose.yml: users and orders, sized by the psql
-- variables users and orders (psql -v users=20000 -v orders=100000 -f scripts/sample.sql).
CREATE TABLE users (
  id bigint PRIMARY KEY,
  username text NOT NULL,
  email text NOT NULL,
  country char(2),
  created_at timestamptz NOT NULL
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id),
  total_amount numeric(10,2) NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO users
SELECT g, 'user_' || g, 'user_' || g || '@example.com',
       (ARRAY['US','DE','FR','JP','BR','IN','GB','NO'])[1 + g % 8],
       now() - (g % 1000) * interval '1 hour'
FROM generate_series(1, :users) g;
INSERT INTO orders
SELECT g, 1 + (g * 7919) % :users, round((5 + (g * 37) % 500 + (g % 100) / 100.0)::numeric, 2),
       (ARRAY['pending','paid','shipped','delivered','cancelled'])[1 + g % 5],
       now() - (g % 5000) * interval '1 minute'
FROM generate_series(1, :orders) g;
ANALYZE users;
ANALYZE orders;
