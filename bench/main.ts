/** `npm run bench -- <name> [options]`: runs bench/<name>/main.ts. */
import fs from 'node:fs';
import path from 'node:path';

const name = process.argv[2];
const available = fs.readdirSync(__dirname).filter((d) => fs.existsSync(path.join(__dirname, d, 'main.ts')));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [options]\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
void import(path.join(__dirname, name, 'main.ts'));
