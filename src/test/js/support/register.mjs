// Loaded with `node --import`: the page's modules (src/main/resources/META-INF/resources/ui) are ES modules that
// browsers load as such, but no package.json beside them says so to Node; this hook does, for that folder only.
import { register } from 'node:module';

register('./ui-modules.mjs', import.meta.url);
