// Where the page's modules are, for the tests' imports.
export const UI = new URL('../../../main/resources/META-INF/resources/ui/', import.meta.url);
