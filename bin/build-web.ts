/** `npm run build:web [-- --force]`: builds the web UI into web/dist (npm start and npm test run it first). */
import { buildWebUi } from '../web/build.ts';

const result = await buildWebUi({ force: process.argv.includes('--force') });
console.log(result.built ? `web UI built into web/dist in ${result.seconds.toFixed(1)} s` : 'web UI is up to date (web/dist)');
