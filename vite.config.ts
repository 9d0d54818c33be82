// Builds the web playground (playground/) into dist/playground, which `sam3 serve` serves at /.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'playground',
  base: './',
  build: { outDir: '../dist/playground', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  logLevel: 'warn',
});
