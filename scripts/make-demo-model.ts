// Writes the synthetic demo bundle (npm run make-demo-model -- DIR [RESOLUTION]); `sam3 serve --model demo` does this itself.
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';

const [dir = '.cache/demo-model', resolution = '1008'] = process.argv.slice(2);
console.log(await writeDemoBundle(dir, { resolution: Number(resolution) }));
