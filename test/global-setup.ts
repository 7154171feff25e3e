// Tests that spawn the CLI run package.json's bin, the compiled dist/cli/main.js: rebuild dist/ first when src/ changed.
import { buildIfStale } from '../scripts/build.mjs';

export default function setup(): void {
  buildIfStale();
}
