// The baseline: a bare Express app that answers GET /v1/me with a fixed JSON body, no middleware.
import express from 'express';

const body: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = express();
app.get('/v1/me', (_req, res) => {
  res.json(body);
});
app.listen(Number(process.env.PORT));
// A normal exit on SIGTERM, so that `--cpu-prof` writes its profile.
process.once('SIGTERM', () => process.exit(0));
