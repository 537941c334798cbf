-- Dates, times and intervals, in several session time zones and date styles: output of every
-- date/time type (±infinity, BC, LMT offsets before 1900), date_trunc/extract/date_part/age,
-- ::date and ::timestamp of timestamptz, AT TIME ZONE, generate_series across DST changes,
-- interval arithmetic and justification, to_char/to_date/to_timestamp, make_*.

-- The server's default session (TimeZone from postgresql.conf).
SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('IntervalStyle');
SELECT id, d, tm, ttz, ts, tstz, iv FROM alltypes ORDER BY id;
SELECT date '2024-02-29' + 1, date '2024-03-01' - 1, date '2024-03-01' - date '2023-03-01', date '2024-01-31' + interval '1 month', pg_typeof(date '2024-01-01' + 1), pg_typeof(date '2024-01-01' + interval '1 day');
SELECT timestamp '2024-01-31 10:00' + interval '1 month', timestamp '2024-03-31' - interval '1 month', timestamp '2024-02-29' + interval '1 year', timestamp '2024-01-01' - timestamp '2023-01-01 12:00';
SELECT interval '1 day' * 1.5, interval '1 month' / 3, interval '1 hour' * 2.5, interval '90 minutes' + interval '45 minutes', -interval '1 day 2 hours', interval '2 days' / 0.5;
SELECT interval '1 day' / 0;
SELECT justify_hours(interval '50 hours'), justify_days(interval '45 days'), justify_interval(interval '1 mon -1 hour'), justify_interval(interval '-1 mon 35 days');
SELECT interval '1 year 2 months 3 days 4 hours 5 minutes 6.789 seconds', interval 'P1Y2M3DT4H5M6S', interval '-1 2:03:04', interval '1.5 years', interval '100000 hours', interval '1 week';
SELECT interval '1 day' = interval '24 hours', interval '1 month' = interval '30 days', interval '1 year' > interval '360 days', interval '25 hours' > interval '1 day';
SELECT date_trunc('month', timestamp '2024-02-29 13:14:15.678'), date_trunc('week', timestamp '2024-03-03 10:00'), date_trunc('quarter', date '2024-05-17'), date_trunc('hour', interval '3 days 04:05:06'), date_trunc('milliseconds', timestamp '2024-01-01 00:00:00.123456');
SELECT pg_typeof(date_trunc('month', timestamp '2024-02-29')), pg_typeof(date_trunc('month', date '2024-02-29')), pg_typeof(date_trunc('month', timestamptz '2024-02-29'));
SELECT extract(year FROM timestamp '2024-02-29 13:14:15.5'), extract(epoch FROM timestamp '2024-02-29 13:14:15.5'), extract(dow FROM date '2024-03-03'), extract(isodow FROM date '2024-03-03'), extract(doy FROM date '2024-12-31'), extract(week FROM date '2024-12-30'), extract(isoyear FROM date '2024-12-30');
SELECT extract(century FROM date '2000-12-31'), extract(millennium FROM date '2001-01-01'), extract(decade FROM date '1999-01-01'), extract(quarter FROM date '2024-08-01'), extract(julian FROM date '2024-01-01'), extract(microseconds FROM time '12:34:56.789');
SELECT extract(epoch FROM interval '1 day 2 hours'), extract(day FROM interval '40 days'), extract(month FROM interval '14 months'), extract(hour FROM interval '-3 hours'), extract(epoch FROM date '2024-01-01');
SELECT date_part('year', timestamp '2024-02-29'), date_part('epoch', timestamp '2024-02-29 00:00:00.5'), pg_typeof(date_part('year', date '2024-01-01')), pg_typeof(extract(year FROM date '2024-01-01'));
SELECT extract(foo FROM date '2024-01-01');
SELECT extract(hour FROM date '2024-01-01');
SELECT age(timestamp '2024-03-31', timestamp '2024-02-29'), age(timestamp '2024-01-01', timestamp '1990-06-15 12:00'), age(date '2024-01-01', date '2024-12-31'), age(timestamp '2000-01-31', timestamp '2000-02-29');
SELECT date '2024-02-30';
SELECT timestamp '2024-01-01 25:00';
SELECT time '24:00:00', time '00:00' = time '24:00';
SELECT time '24:00:01';
SELECT date 'infinity' > date '9999-12-31', date '-infinity' < date '4713-01-01 BC', timestamp 'infinity' > timestamp '2020-01-01';
SELECT timestamp 'infinity' - timestamp '2020-01-01';
SELECT isfinite(date 'infinity'), isfinite(timestamp '2024-01-01'), isfinite(interval '1 day'), date 'infinity' + 1;
SELECT make_date(2024, 2, 29), make_time(13, 14, 15.5), make_timestamp(2024, 2, 29, 13, 14, 15.5), make_interval(years => 1, days => 2, secs => 3.5), make_date(-44, 3, 15);
SELECT make_date(2023, 2, 29);
SELECT to_char(timestamp '2024-02-29 13:04:05.678', 'YYYY-MM-DD HH24:MI:SS.MS'), to_char(timestamp '2024-02-29 13:04:05', 'Dy, DD Mon YYYY HH12:MI AM'), to_char(date '2024-02-29', 'FMDay FMMonth DDth YYYY'), to_char(date '2024-02-29', 'IYYY-IW-ID Q WW J');
SELECT to_char(interval '1 day 02:03:04.5', 'DD HH24:MI:SS.US'), to_char(timestamp '0044-03-15 BC', 'YYYY-MM-DD BC'), to_char(date '2024-01-07', 'D W "week" ww'), to_char(time '13:00', 'HH12 PM');
SELECT to_date('29 Feb 2024', 'DD Mon YYYY'), to_date('2024-060', 'YYYY-DDD'), to_date('20240229', 'YYYYMMDD'), to_date('1/2/03', 'MM/DD/YY'), to_date('2024 2 29', 'YYYY MM DD');
SELECT to_date('2024-02-30', 'YYYY-MM-DD');
SELECT to_timestamp(0), to_timestamp(1709212345.5), to_timestamp('2024-02-29 13:14:15', 'YYYY-MM-DD HH24:MI:SS'), to_timestamp('29/02/2024 1:14 pm', 'DD/MM/YYYY HH:MI am');
SELECT to_timestamp('infinity'::float8), to_timestamp('-infinity'::float8);
SELECT to_timestamp(1e20);
SELECT date '2024-02-29'::timestamp, date '2024-02-29'::timestamptz, timestamp '2024-02-29 23:59:59.999999'::date, '2024-02-29 12:00:00+14'::timestamptz::date, time '13:14:15'::interval;
SELECT '2024-03-10 02:30:00'::timestamp, '2024-03-10 02:30:00 America/New_York'::timestamptz, '2024-11-03 01:30:00 America/New_York'::timestamptz, '2024-03-31 02:30 Europe/Berlin'::timestamptz;
SELECT '2024-02-29 13:14:15.123456789'::timestamp, '2024-02-29 13:14:15.9999995'::timestamp, time '23:59:59.9999999', '0001-01-01 00:00:00 BC'::timestamp;
SELECT 'epoch'::timestamp, 'allballs'::time, 'today'::date = current_date, 'J2460000'::date, 'Feb 29, 2024'::date, '29.02.2024'::date;
SELECT ordered_at, ordered_at::date, date_trunc('day', ordered_at), extract(dow FROM ordered_at), to_char(ordered_at, 'YYYY-MM') FROM orders WHERE id IN (1, 2, 3, 1000, 5999) ORDER BY id;
SELECT date_trunc('month', ordered_at) AS month, count(*), sum(total) FROM orders GROUP BY 1 ORDER BY 1;
SELECT extract(year FROM signup_date) AS y, extract(quarter FROM signup_date) AS q, count(*) FROM customers GROUP BY 1, 2 ORDER BY 1, 2;
SELECT id, ordered_at - lag(ordered_at) OVER (ORDER BY ordered_at, id) FROM orders WHERE customer_id = 8 ORDER BY ordered_at, id;
SELECT max(ordered_at) - min(ordered_at), avg(ordered_at - timestamp '2023-01-01'), sum(duration), avg(duration), max(duration) FROM orders, (SELECT sum(duration) AS duration FROM events) e;
SELECT generate_series(date '2024-02-26', date '2024-03-02', interval '1 day');
SELECT generate_series(timestamp '2024-01-31', timestamp '2024-06-30', interval '1 month');
SELECT g::date, to_char(g, 'Dy') FROM generate_series(date '2024-12-28', date '2025-01-03', '1 day') g ORDER BY 1;
SELECT d, count(o.id) FROM generate_series(timestamp '2023-01-01', timestamp '2023-01-07', '1 day') d LEFT JOIN orders o ON o.ordered_at >= d AND o.ordered_at < d + interval '1 day' GROUP BY d ORDER BY d;
SELECT timestamp '2024-02-29 12:00' AT TIME ZONE 'UTC', timestamptz '2024-02-29 12:00+00' AT TIME ZONE 'Asia/Kolkata', timestamp '2024-03-10 02:30' AT TIME ZONE 'America/New_York', timestamptz '2024-03-10 07:00+00' AT TIME ZONE 'America/New_York';
SELECT timezone('Europe/Berlin', timestamptz '2024-03-31 00:59:59+00'), timezone('Europe/Berlin', timestamptz '2024-03-31 01:00:00+00'), timestamp '2024-06-01 12:00' AT TIME ZONE '+05', timestamp '2024-06-01 12:00' AT TIME ZONE 'EST5EDT', timestamp '2024-06-01 12:00' AT TIME ZONE INTERVAL '-03:30';
SELECT timestamptz '2024-06-01 12:00+00' AT TIME ZONE 'Mars/Olympus';
SELECT current_date - current_date, now() - now(), now() = current_timestamp, localtimestamp - now()::timestamp < interval '1 second';
-- current_timestamp(p), localtimestamp(p), localtime(p) round to p fractional digits (a precision above 6 is 6, with a warning)
SELECT extract(microseconds from current_timestamp(2))::bigint % 10000 = 0, extract(microseconds from localtimestamp(0))::bigint % 1000000, extract(microseconds from localtime(1))::bigint % 100000 = 0, current_timestamp(6) = current_timestamp, pg_typeof(localtime(3)), pg_typeof(localtimestamp(3));
SELECT id, at, at::date, at::timestamp, date_trunc('day', at), extract(hour FROM at) FROM events WHERE id IN (1, 31, 32, 33, 60, 100, 134) ORDER BY id;

-- session: SET TimeZone = 'America/New_York'
SELECT current_setting('TimeZone'), now() IS NOT NULL;
SELECT id, tstz, ts::timestamptz, ttz, d::timestamptz FROM alltypes ORDER BY id;
SELECT id, at, at::date, at::timestamp, at::time, at::timetz, date_trunc('day', at), date_trunc('hour', at), extract(hour FROM at), extract(timezone_hour FROM at), to_char(at, 'YYYY-MM-DD HH24:MI TZ OF') FROM events WHERE at BETWEEN '2024-03-10 05:00+00' AND '2024-03-10 09:00+00' ORDER BY id;
SELECT id, at, at + interval '1 day', at + interval '24 hours', at - interval '1 month' FROM events WHERE at BETWEEN '2024-11-02 23:00:00+00' AND '2024-11-03 03:00:00+00' ORDER BY id;
-- name: range_offset_timestamptz_new_york
SELECT id, at, count(*) OVER (ORDER BY at RANGE BETWEEN '1 day' PRECEDING AND CURRENT ROW) FROM events WHERE at BETWEEN '2024-03-09 00:00+00' AND '2024-03-11 00:00+00' ORDER BY id;
SELECT date_trunc('day', at) AS day, count(*), min(at), max(at) FROM events GROUP BY 1 ORDER BY 1;
SELECT generate_series(timestamptz '2024-03-09 22:00', timestamptz '2024-03-10 05:00', interval '1 hour');
SELECT generate_series(timestamptz '2024-11-02', timestamptz '2024-11-05', interval '1 day');
SELECT timestamptz '2024-03-10 02:30', timestamptz '2024-11-03 01:30', timestamptz '2024-11-03 01:30 EDT', timestamptz '2024-11-03 01:30 EST', timestamp '2024-11-03 01:30'::timestamptz;
SELECT created_at, created_at::date, date_trunc('month', created_at), extract(dow FROM created_at) FROM customers WHERE id IN (1, 2, 3, 2001, 2005, 2007) ORDER BY id;
SELECT created_at::date AS day, count(*) FROM customers WHERE created_at < '2020-01-05' GROUP BY 1 ORDER BY 1;
SELECT timestamptz '1900-01-01 00:00+00', timestamptz '1883-11-18 12:00+00', timestamptz '0500-06-15 12:00:00+00 BC', date_trunc('year', timestamptz '1883-06-01 12:00+00');
SELECT age(timestamptz '2024-03-11 00:00', timestamptz '2024-03-10 00:00'), timestamptz '2024-03-11 00:00' - timestamptz '2024-03-10 00:00', timestamptz '2024-11-04' - timestamptz '2024-11-03';
SELECT to_char(timestamptz '2024-07-04 12:00+00', 'YYYY-MM-DD HH24:MI:SS TZH:TZM TZ'), to_timestamp('2024-07-04 12:00', 'YYYY-MM-DD HH24:MI'), to_timestamp(1720094400);
SELECT date '2024-03-10' + time '02:30', (date '2024-03-10' + time '02:30')::timestamptz, date '2024-03-10'::timestamptz + interval '3 hours';
SELECT extract(epoch FROM timestamptz '2024-03-10 12:00'), extract(epoch FROM timestamp '2024-03-10 12:00'), date_part('timezone', timestamptz '2024-01-01');

-- session: SET TimeZone = 'Europe/Berlin'; SET DateStyle = 'SQL, DMY'
SELECT id, d, ts, tstz, ttz FROM alltypes ORDER BY id;
SELECT id, at, at::date, date_trunc('day', at), date_trunc('week', at) FROM events WHERE at BETWEEN '2024-10-26 22:00+00' AND '2024-10-27 03:00+00' ORDER BY id;
SELECT '01/02/2024'::date, '13/02/2024'::date, '2024-02-01'::date;
SELECT '02/13/2024'::date;
SELECT to_char(now(), 'YYYY') = extract(year FROM now())::text, date_trunc('month', timestamptz '2024-03-31 23:30+00');
SELECT timestamptz '2024-03-31 02:30', timestamptz '2024-10-27 02:30', timestamp '2024-10-27 02:30'::timestamptz;

-- session: SET TimeZone = 'Asia/Kolkata'; SET DateStyle = 'German'
SELECT id, d, ts, tstz FROM alltypes ORDER BY id;
SELECT date_trunc('hour', timestamptz '2024-01-01 00:45+00'), date_trunc('day', timestamptz '2024-01-01 20:00+00'), timestamptz '2024-01-01 00:00+00'::date;
SELECT signup_date, created_at FROM customers WHERE id IN (1, 2007) ORDER BY id;

-- session: SET TimeZone = 'Australia/Lord_Howe'; SET DateStyle = 'Postgres, MDY'
SELECT id, d, ts, tstz, ttz FROM alltypes ORDER BY id;
SELECT generate_series(timestamptz '2024-04-06 12:00+00', timestamptz '2024-04-06 17:00+00', interval '30 minutes');
SELECT timestamptz '2024-04-07 01:45', timestamptz '2024-10-06 02:15', extract(timezone FROM timestamptz '2024-01-01'), extract(timezone_minute FROM timestamptz '2024-07-01');

-- session: SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'
SELECT id, iv FROM alltypes ORDER BY id;
SELECT interval '1 year 2 months 3 days 04:05:06.5', interval '-1 day', interval '0', age(timestamp '2024-03-01', timestamp '2023-01-15 12:00');

-- session: SET IntervalStyle = 'sql_standard'
SELECT id, iv FROM alltypes ORDER BY id;
SELECT interval '1 year 2 months', interval '3 days 04:05:06', interval '-1 year -2 months', interval '1 day -1 hour';

-- session: SET IntervalStyle = 'postgres_verbose'
SELECT id, iv FROM alltypes ORDER BY id;

-- session: SET TimeZone = '-05:30'
SELECT timestamptz '2024-01-01 00:00+00', current_setting('TimeZone'), timestamp '2024-01-01 12:00'::timestamptz;

-- session: SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 0
SELECT extract(epoch FROM timestamp '2024-02-29 13:14:15.123456'), extract(epoch FROM interval '1.5 seconds'), 0.1::float8 + 0.2::float8, 1::float4 / 3;
-- timetz to time keeps the local time
SELECT id, ttz, ttz::time FROM alltypes ORDER BY id;
SELECT '24:00:00+05'::timetz::time, '12:34:56.789-03:30'::timetz::time, CAST('00:00:01+14:59'::timetz AS time);
-- date_bin: origins before and after the value (a negative remainder steps back one stride),
-- at the ends of the range, months refused, infinities
SELECT date_bin('15 minutes', '2024-03-10 10:37:12'::timestamp, '2000-01-01'::timestamp), date_bin('15 minutes', '1999-12-31 23:52:00'::timestamp, '2000-01-01'::timestamp);
SELECT date_bin('1 day 2 hours', '2024-03-10 10:37:12+00'::timestamptz, '2030-01-01 05:00+00'::timestamptz);
SELECT date_bin('96050 days', '2000-01-01'::timestamp, '265000-01-01'::timestamp);
SELECT date_bin('1 month', '2024-03-10'::timestamp, '2000-01-01'::timestamp);
SELECT date_bin('0 days', '2024-03-10'::timestamp, '2000-01-01'::timestamp);
SELECT date_bin('1 hour', 'infinity'::timestamp, '2000-01-01'::timestamp), date_bin('1 hour', '2020-01-01'::timestamp, '-infinity'::timestamp);
SELECT date_bin('100000000 days', '4714-11-24 00:00:00 BC'::timestamp, '200000-01-01'::timestamp);
-- name: at_time_zone_interval_overflow
SELECT '2020-01-01 00:00'::timestamp AT TIME ZONE interval '2562047788 hours';
