// Regenerates the generated docs (npm run docs:generate): docs/configuration.md and docs/errors.md.
import { writeFile } from 'node:fs/promises';
import { configurationMarkdown } from '../src/config/settings.js';
import { errorsMarkdown } from '../src/http/error-docs.js';

await writeFile(new URL('../docs/configuration.md', import.meta.url), configurationMarkdown());
await writeFile(new URL('../docs/errors.md', import.meta.url), errorsMarkdown());
