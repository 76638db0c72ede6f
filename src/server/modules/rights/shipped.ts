import type { PublicLanguage } from '../../../shared/languages.js';
import type { RightsKind, RightsText } from '../../../shared/rights.js';
import ar from './content/ar.json' with { type: 'json' };
import en from './content/en.json' with { type: 'json' };
import es from './content/es.json' with { type: 'json' };
import fr from './content/fr.json' with { type: 'json' };
import ht from './content/ht.json' with { type: 'json' };
import ko from './content/ko.json' with { type: 'json' };
import pt from './content/pt.json' with { type: 'json' };
import tl from './content/tl.json' with { type: 'json' };
import vi from './content/vi.json' with { type: 'json' };
import zh from './content/zh.json' with { type: 'json' };

/**
 * The rights library Faro ships (content/<language>.json): written with care in English and
 * Spanish; the other languages are drafts until a member organization reviews them. A coalition's
 * library starts from these; what it edits is its own (rights.repo.ts `insertShipped`).
 */
const CONTENT: Record<PublicLanguage, Record<string, RightsText>> = {
  en,
  es,
  zh,
  vi,
  ko,
  tl,
  ar,
  ht,
  pt,
  fr,
};

/** The items in the order the page lists them; `card` is the wallet card. */
export const SHIPPED_ITEMS: readonly { slug: string; kind: RightsKind }[] = [
  { slug: 'door', kind: 'topic' },
  { slug: 'street', kind: 'topic' },
  { slug: 'work', kind: 'topic' },
  { slug: 'car', kind: 'topic' },
  { slug: 'detained', kind: 'topic' },
  { slug: 'warrants', kind: 'topic' },
  { slug: 'schools', kind: 'topic' },
  { slug: 'after', kind: 'topic' },
  { slug: 'card', kind: 'card' },
];

export const SHIPPED_TEXTS = SHIPPED_ITEMS.flatMap((item, position) =>
  Object.entries(CONTENT).flatMap(([language, texts]) => {
    const content = texts[item.slug];
    return content ? [{ slug: item.slug, kind: item.kind, position, language, content }] : [];
  }),
);

export const SHIPPED_LANGUAGES = Object.keys(CONTENT) as PublicLanguage[];
