import { htmlParser } from '../html.js';

/** What a page says about CSRF: meta tags and hidden inputs, by name (first one wins). */
export interface HtmlTokens {
  meta: Map<string, string>;
  hidden: Map<string, string>;
}

/** Parses `html` with a real HTML parser and collects the named meta tags and hidden inputs. */
export async function findHtmlTokens(html: string, metaNames: ReadonlySet<string>, inputNames: ReadonlySet<string>): Promise<HtmlTokens> {
  const { Parser } = await htmlParser();
  const found: HtmlTokens = { meta: new Map(), hidden: new Map() };
  const parser = new Parser({
    onopentag(tag, attrs) {
      const name = attrs.name;
      if (name === undefined) return;
      if (tag === 'meta' && metaNames.has(name) && attrs.content !== undefined && !found.meta.has(name)) found.meta.set(name, attrs.content);
      else if (tag === 'input' && inputNames.has(name) && attrs.value !== undefined && !found.hidden.has(name)) found.hidden.set(name, attrs.value);
    },
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.end(html);
  return found;
}
