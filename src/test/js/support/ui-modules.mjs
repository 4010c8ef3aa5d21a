// Module hook: the files of the page's ui/ folder are ES modules.
const UI = '/src/main/resources/META-INF/resources/ui/';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  return resolved.url.includes(UI) ? { ...resolved, format: 'module' } : resolved;
}

export async function load(url, context, nextLoad) {
  return nextLoad(url, url.includes(UI) ? { ...context, format: 'module' } : context);
}
