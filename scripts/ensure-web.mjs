// Builds the web console once (npm start on a fresh clone); later starts reuse dist/web.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync('dist/web/index.html') || process.env.BAOKE_REBUILD_WEB === '1') {
  console.log('[baoke] building the web console (first start only) …');
  execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
}
