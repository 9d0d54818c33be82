// Regenerates the generated docs (npm run docs:generate): docs/configuration.md, docs/errors.md and
// docs/video-rle.schema.json.
import { writeFile } from 'node:fs/promises';
import { configurationMarkdown } from '../src/config/settings.js';
import { errorsMarkdown } from '../src/http/error-docs.js';
import { videoRleSchemaJson } from '../src/api/video-rle-wire.js';

await writeFile(new URL('../docs/configuration.md', import.meta.url), configurationMarkdown());
await writeFile(new URL('../docs/errors.md', import.meta.url), errorsMarkdown());
await writeFile(new URL('../docs/video-rle.schema.json', import.meta.url), videoRleSchemaJson());
