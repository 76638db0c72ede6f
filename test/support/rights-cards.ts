/**
 * Test texts for the printable rights cards (src/server/modules/rights/card-pdf.ts) and
 * helpers that read a PDF back with pdf.js. These texts exist only for the tests: the rights
 * library's own content (with its review status) belongs to the rights module.
 */
import type { CardContent, CardLanguage } from '../../src/server/modules/rights/card-pdf.js';

export const HOTLINE = '555-0100';

const card = (
  language: CardLanguage,
  direction: 'ltr' | 'rtl',
  front: [string, string, string, string],
  back: [string, string, string],
  footer: string,
): CardContent => ({
  language,
  direction,
  front: { heading: front[0], lines: front.slice(1) },
  back: { heading: back[0], lines: back.slice(1) },
  footer,
});

/** Front: what to say (3 sentences). Back: what to do. Footer: not legal advice + hotline. */
export const CARDS: Record<CardLanguage, CardContent> = {
  en: card(
    'en',
    'ltr',
    [
      'Know your rights',
      'I have the right to remain silent.',
      'I do not consent to a search.',
      'I will not open the door without a warrant signed by a judge.',
    ],
    [
      'What to do',
      `Call the hotline: ${HOTLINE}.`,
      'Write down what you saw: badge numbers, vehicles, time and place.',
    ],
    `This is not legal advice. Hotline: ${HOTLINE}`,
  ),
  es: card(
    'es',
    'ltr',
    [
      'Conozca sus derechos',
      'Tengo derecho a permanecer en silencio.',
      'No doy mi consentimiento para un registro.',
      'No abriré la puerta sin una orden firmada por un juez.',
    ],
    [
      'Qué hacer',
      `Llame a la línea de ayuda: ${HOTLINE}.`,
      'Anote lo que vio: números de placa, vehículos, hora y lugar.',
    ],
    `Esto no es asesoría legal. Línea de ayuda: ${HOTLINE}`,
  ),
  zh: card(
    'zh',
    'ltr',
    ['了解您的权利', '我有权保持沉默。', '我不同意搜查。', '没有法官签署的搜查令，我不会开门。'],
    ['该怎么做', `拨打热线：${HOTLINE}。`, '写下您看到的情况：警徽号码、车辆、时间和地点。'],
    `这不是法律建议。热线：${HOTLINE}`,
  ),
  ko: card(
    'ko',
    'ltr',
    [
      '당신의 권리를 아세요',
      '나는 묵비권을 행사할 권리가 있습니다.',
      '나는 수색에 동의하지 않습니다.',
      '판사가 서명한 영장이 없으면 문을 열지 않겠습니다.',
    ],
    ['해야 할 일', `핫라인에 전화하세요: ${HOTLINE}.`, '본 것을 적어 두세요: 배지 번호, 차량, 시간과 장소.'],
    `이것은 법률 자문이 아닙니다. 핫라인: ${HOTLINE}`,
  ),
  ar: card(
    'ar',
    'rtl',
    [
      'اعرف حقوقك',
      'لدي الحق في التزام الصمت.',
      'لا أوافق على التفتيش.',
      'لن أفتح الباب دون مذكرة موقعة من قاض.',
    ],
    ['ماذا تفعل', `اتصل بالخط الساخن: ${HOTLINE}.`, 'اكتب ما رأيته: أرقام الشارات والمركبات والوقت والمكان.'],
    `هذه ليست استشارة قانونية. الخط الساخن: ${HOTLINE}`,
  ),
  vi: card(
    'vi',
    'ltr',
    [
      'Biết quyền của bạn',
      'Tôi có quyền giữ im lặng.',
      'Tôi không đồng ý cho khám xét.',
      'Tôi sẽ không mở cửa nếu không có lệnh có chữ ký của thẩm phán.',
    ],
    [
      'Cần làm gì',
      `Gọi đường dây nóng: ${HOTLINE}.`,
      'Ghi lại những gì bạn đã thấy: số phù hiệu, xe cộ, thời gian và địa điểm.',
    ],
    `Đây không phải là tư vấn pháp lý. Đường dây nóng: ${HOTLINE}`,
  ),
  tl: card(
    'tl',
    'ltr',
    [
      'Alamin ang iyong mga karapatan',
      'May karapatan akong manahimik.',
      'Hindi ako pumapayag sa paghahalughog.',
      'Hindi ko bubuksan ang pinto nang walang warrant na pinirmahan ng isang hukom.',
    ],
    [
      'Ano ang gagawin',
      `Tumawag sa hotline: ${HOTLINE}.`,
      'Isulat ang iyong nakita: numero ng badge, mga sasakyan, oras at lugar.',
    ],
    `Hindi ito legal na payo. Hotline: ${HOTLINE}`,
  ),
  ht: card(
    'ht',
    'ltr',
    [
      'Konnen dwa ou',
      'Mwen gen dwa pou m rete an silans.',
      'Mwen pa dakò pou yo fouye m.',
      'Mwen p ap louvri pòt la san yon manda yon jij siyen.',
    ],
    ['Sa pou w fè', `Rele liy dirèk la: ${HOTLINE}.`, 'Ekri sa ou te wè: nimewo badj, machin, lè ak kote.'],
    `Sa a se pa konsèy legal. Liy dirèk: ${HOTLINE}`,
  ),
  pt: card(
    'pt',
    'ltr',
    [
      'Conheça seus direitos',
      'Tenho o direito de permanecer em silêncio.',
      'Não consinto com uma revista.',
      'Não vou abrir a porta sem um mandado assinado por um juiz.',
    ],
    [
      'O que fazer',
      `Ligue para a linha de apoio: ${HOTLINE}.`,
      'Anote o que você viu: números de distintivo, veículos, hora e local.',
    ],
    `Isto não é aconselhamento jurídico. Linha de apoio: ${HOTLINE}`,
  ),
  fr: card(
    'fr',
    'ltr',
    [
      'Connaissez vos droits',
      'J’ai le droit de garder le silence.',
      'Je ne consens pas à une fouille.',
      'Je n’ouvrirai pas la porte sans un mandat signé par un juge.',
    ],
    [
      'Que faire',
      `Appelez la ligne d’assistance : ${HOTLINE}.`,
      'Notez ce que vous avez vu : numéros de badge, véhicules, heure et lieu.',
    ],
    `Ceci n’est pas un avis juridique. Ligne d’assistance : ${HOTLINE}`,
  ),
};

export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
}
export interface PdfPageText {
  width: number;
  height: number;
  text: string;
  items: PdfTextItem[];
}

/** Every page's size and text as pdf.js (Firefox's PDF reader) extracts it. */
export async function readPdf(pdf: Buffer): Promise<PdfPageText[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const pages: PdfPageText[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    let text = '';
    const items: PdfTextItem[] = [];
    for (const item of content.items) {
      if (!('str' in item)) continue;
      text += item.str + (item.hasEOL ? '\n' : '');
      if (item.str.trim()) {
        items.push({
          str: item.str,
          x: item.transform[4] as number,
          y: item.transform[5] as number,
          width: item.width,
          size: Math.hypot(item.transform[2] as number, item.transform[3] as number),
        });
      }
    }
    const [, , width, height] = page.view as [number, number, number, number];
    pages.push({ width, height, text, items });
  }
  await doc.destroy();
  return pages;
}

/**
 * Text as a reader would search it: line breaks a card made are spaces (none in Chinese,
 * which is written without spaces), runs of spaces one space.
 */
export function searchable(text: string, language: CardLanguage): string {
  const joined = language === 'zh' ? text.replace(/\s+/g, '') : text.replace(/\s+/g, ' ');
  return joined.normalize('NFC').trim();
}
