/**
 * Styles for a Shadow DOM root as a constructed stylesheet: a host page's Content-Security-Policy
 * without 'unsafe-inline' blocks <style> elements, not constructed sheets. Browsers without
 * constructable stylesheets get a <style> element. Imported by the loader and the chat bundle.
 */
export function adoptCss(root: ShadowRoot | Document, css: string) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    (root instanceof Document ? root.head : root).append(style);
  }
}
