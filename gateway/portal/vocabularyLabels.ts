/**
 * Words for the codes the catalogue stores: themes, file formats, licences,
 * quality bands, obligations and region names, in every UI language. Runs in
 * the browser (the search component) and on the gateway (the pages), so it
 * imports nothing.
 *
 * Theme labels in English and Portuguese are the EU Publications Office's
 * own (the data-theme authority table publishes them in the 24 EU
 * languages); Chinese, Vietnamese and Malay are not EU languages, so the
 * project translated those, after the English.
 */
import type { UiLanguage } from './messages.ts';

type Labels = Record<UiLanguage, string>;

/** The EU data-theme vocabulary (`dcat:theme`), code → label per language. */
export const themeLabels: Readonly<Record<string, Labels>> = {
  AGRI: { en: 'Agriculture, fisheries, forestry and food', pt: 'Agricultura, pesca, silvicultura e alimentação', zh: '农业、渔业、林业和食品', vi: 'Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm', ms: 'Pertanian, perikanan, perhutanan dan makanan' },
  ECON: { en: 'Economy and finance', pt: 'Economia e finanças', zh: '经济和金融', vi: 'Kinh tế và tài chính', ms: 'Ekonomi dan kewangan' },
  EDUC: { en: 'Education, culture and sport', pt: 'Educação, cultura e desporto', zh: '教育、文化和体育', vi: 'Giáo dục, văn hóa và thể thao', ms: 'Pendidikan, kebudayaan dan sukan' },
  ENER: { en: 'Energy', pt: 'Energia', zh: '能源', vi: 'Năng lượng', ms: 'Tenaga' },
  ENVI: { en: 'Environment', pt: 'Ambiente', zh: '环境', vi: 'Môi trường', ms: 'Alam sekitar' },
  GOVE: { en: 'Government and public sector', pt: 'Governo e setor público', zh: '政府和公共部门', vi: 'Chính phủ và khu vực công', ms: 'Kerajaan dan sektor awam' },
  HEAL: { en: 'Health', pt: 'Saúde', zh: '卫生', vi: 'Y tế', ms: 'Kesihatan' },
  INTR: { en: 'International issues', pt: 'Questões internacionais', zh: '国际事务', vi: 'Các vấn đề quốc tế', ms: 'Isu antarabangsa' },
  JUST: { en: 'Justice, legal system and public safety', pt: 'Justiça, sistema judiciário e segurança pública', zh: '司法、法律制度和公共安全', vi: 'Tư pháp, hệ thống pháp luật và an toàn công cộng', ms: 'Keadilan, sistem perundangan dan keselamatan awam' },
  OP_DATPRO: { en: 'Provisional data', pt: 'Dados provisórios', zh: '临时数据', vi: 'Dữ liệu tạm thời', ms: 'Data sementara' },
  REGI: { en: 'Regions and cities', pt: 'Regiões e cidades', zh: '地区和城市', vi: 'Vùng và đô thị', ms: 'Wilayah dan bandar' },
  SOCI: { en: 'Population and society', pt: 'População e sociedade', zh: '人口和社会', vi: 'Dân số và xã hội', ms: 'Penduduk dan masyarakat' },
  TECH: { en: 'Science and technology', pt: 'Ciência e tecnologia', zh: '科学和技术', vi: 'Khoa học và công nghệ', ms: 'Sains dan teknologi' },
  TRAN: { en: 'Transport', pt: 'Transportes', zh: '交通运输', vi: 'Giao thông vận tải', ms: 'Pengangkutan' },
};

/** What kind of file a format is; the label says the kind, then the code a specialist looks for. */
const formatKinds: Record<string, Labels> = {
  table: { en: 'Table', pt: 'Tabela', zh: '表格', vi: 'Bảng', ms: 'Jadual' },
  spreadsheet: { en: 'Spreadsheet', pt: 'Folha de cálculo', zh: '电子表格', vi: 'Bảng tính', ms: 'Hamparan' },
  map: { en: 'Map data', pt: 'Dados cartográficos', zh: '地图数据', vi: 'Dữ liệu bản đồ', ms: 'Data peta' },
  document: { en: 'Document', pt: 'Documento', zh: '文档', vi: 'Tài liệu', ms: 'Dokumen' },
  data: { en: 'Data file', pt: 'Ficheiro de dados', zh: '数据文件', vi: 'Tệp dữ liệu', ms: 'Fail data' },
  archive: { en: 'Archive', pt: 'Arquivo comprimido', zh: '压缩包', vi: 'Tệp nén', ms: 'Arkib' },
  api: { en: 'Web API', pt: 'API web', zh: '网络 API', vi: 'API web', ms: 'API web' },
  linked: { en: 'Linked data', pt: 'Dados ligados', zh: '关联数据', vi: 'Dữ liệu liên kết', ms: 'Data terpaut' },
};
const formatKindOf: Record<string, keyof typeof formatKinds> = {
  CSV: 'table', TSV: 'table', PARQUET: 'table',
  XLSX: 'spreadsheet', XLS: 'spreadsheet', ODS: 'spreadsheet',
  GEOJSON: 'map', KML: 'map', KMZ: 'map', SHP: 'map', GML: 'map', GPKG: 'map',
  PDF: 'document', DOCX: 'document', DOC: 'document', ODT: 'document', HTML: 'document', TXT: 'document',
  JSON: 'data', XML: 'data', NETCDF: 'data',
  JSON_LD: 'linked', RDF_XML: 'linked', RDF_TURTLE: 'linked',
  ZIP: 'archive',
  API: 'api',
};
/** How a format code is written for people (`GEOJSON` → `GeoJSON`). */
const formatNames: Record<string, string> = { GEOJSON: 'GeoJSON', PARQUET: 'Parquet', NETCDF: 'NetCDF', JSON_LD: 'JSON-LD', RDF_XML: 'RDF/XML', RDF_TURTLE: 'Turtle', GPKG: 'GeoPackage', SHP: 'Shapefile' };

/** A distribution format for people: "Map data (GeoJSON)"; an unknown code as it is. */
export function formatLabel(code: string, lang: UiLanguage): string {
  const upper = code.toUpperCase();
  const kind = formatKindOf[upper];
  if (!kind) return code;
  if (kind === 'api') return formatKinds.api![lang];
  return `${formatKinds[kind]![lang]} (${formatNames[upper] ?? upper})`;
}

/** Licences by the ways dataset files name them (URL without scheme or trailing slash, or SPDX id, lower case). */
const licenceLabels: Record<string, Labels> = {
  'creativecommons.org/licenses/by/4.0': { en: 'Creative Commons Attribution 4.0', pt: 'Creative Commons Atribuição 4.0', zh: '知识共享 署名 4.0', vi: 'Creative Commons Ghi công 4.0', ms: 'Creative Commons Atribusi 4.0' },
  'creativecommons.org/licenses/by-sa/4.0': { en: 'Creative Commons Attribution-ShareAlike 4.0', pt: 'Creative Commons Atribuição-CompartilhaIgual 4.0', zh: '知识共享 署名-相同方式共享 4.0', vi: 'Creative Commons Ghi công-Chia sẻ tương tự 4.0', ms: 'Creative Commons Atribusi-PerkongsianSerupa 4.0' },
  'creativecommons.org/publicdomain/zero/1.0': { en: 'Public domain (CC0 1.0)', pt: 'Domínio público (CC0 1.0)', zh: '公有领域 (CC0 1.0)', vi: 'Phạm vi công cộng (CC0 1.0)', ms: 'Domain awam (CC0 1.0)' },
  'opendatacommons.org/licenses/odbl/1-0': { en: 'Open Database Licence 1.0', pt: 'Licença de Base de Dados Aberta 1.0', zh: '开放数据库许可 1.0', vi: 'Giấy phép Cơ sở dữ liệu mở 1.0', ms: 'Lesen Pangkalan Data Terbuka 1.0' },
  'data.gov.sg/open-data-licence': { en: 'Singapore Open Data Licence', pt: 'Licença de Dados Abertos de Singapura', zh: '新加坡开放数据许可', vi: 'Giấy phép Dữ liệu mở Singapore', ms: 'Lesen Data Terbuka Singapura' },
};
const licenceAliases: Record<string, string> = {
  'cc-by-4.0': 'creativecommons.org/licenses/by/4.0',
  'cc-by-sa-4.0': 'creativecommons.org/licenses/by-sa/4.0',
  cc0: 'creativecommons.org/publicdomain/zero/1.0',
  'cc0-1.0': 'creativecommons.org/publicdomain/zero/1.0',
  'odbl-1.0': 'opendatacommons.org/licenses/odbl/1-0',
};

/** A licence's name in `lang`, or undefined when the project does not know it (the page then shows it as given). */
export function licenceLabel(license: string, lang: UiLanguage): string | undefined {
  const key = license.trim().toLowerCase().replace(/^https?:\/\/(www\.)?/, '').replace(/\/+$/, '');
  return licenceLabels[licenceAliases[key] ?? key]?.[lang];
}

/** The data.europa.eu MQA rating of a score. */
export const qualityBandLabels: Readonly<Record<string, Labels>> = {
  EXCELLENT: { en: 'Excellent', pt: 'Excelente', zh: '优秀', vi: 'Xuất sắc', ms: 'Cemerlang' },
  GOOD: { en: 'Good', pt: 'Bom', zh: '良好', vi: 'Tốt', ms: 'Baik' },
  SUFFICIENT: { en: 'Sufficient', pt: 'Suficiente', zh: '合格', vi: 'Đạt', ms: 'Memadai' },
  BAD: { en: 'Bad', pt: 'Insuficiente', zh: '较差', vi: 'Kém', ms: 'Lemah' },
};

/** Obligations the regions' policies name (`@obligations("…")`), said as what the reader must do. */
export const obligationLabels: Readonly<Record<string, Labels>> = {
  attribution: { en: 'Credit the publisher when you use the data', pt: 'Cite o editor quando usar os dados', zh: '使用数据时注明发布者', vi: 'Ghi nguồn đơn vị công bố khi sử dụng dữ liệu', ms: 'Nyatakan penerbit apabila menggunakan data' },
  'no-onward-transfer': { en: 'Do not pass the data on to others', pt: 'Não transmita os dados a terceiros', zh: '不得将数据转交他人', vi: 'Không chuyển dữ liệu cho bên khác', ms: 'Jangan serahkan data kepada pihak lain' },
};

/** Region names in each language for the demo regions' codes (CLDR has no names for a province or a SAR's long form). */
const regionNames: Record<string, Labels> = {
  'CN-GX': { en: 'Guangxi', zh: '广西壮族自治区', vi: 'Khu tự trị dân tộc Choang Quảng Tây', ms: 'Wilayah Autonomi Zhuang Guangxi', pt: 'Região Autónoma Zhuang de Guangxi' },
  MO: { en: 'Macao', zh: '澳门特别行政区', vi: 'Đặc khu hành chính Ma Cao', ms: 'Wilayah Pentadbiran Khas Macau', pt: 'Região Administrativa Especial de Macau' },
};

/**
 * A region's name in `lang`. In English the operator's name (from the
 * catalogue) when given; elsewhere the project's translation, else the
 * country's name from the runtime's CLDR data for a two-letter code, else
 * the operator's name, else the code.
 */
export function regionLabel(code: string, lang: UiLanguage, operatorName?: string): string {
  if (lang === 'en' && operatorName) return operatorName;
  const known = regionNames[code]?.[lang];
  if (known) return known;
  if (/^[A-Z]{2}$/.test(code)) {
    try {
      const country = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' }).of(code);
      if (country) return country;
    } catch {
      // A runtime without CLDR data for `lang`: the operator's name.
    }
  }
  return operatorName ?? code;
}

/** A theme's label in `lang`; an unknown code as it is. */
export const themeLabel = (code: string, lang: UiLanguage): string => themeLabels[code]?.[lang] ?? code;

/** A text in one of several languages: the requested one, else English, else the dataset's own (the first). */
export function pickTranslation(translations: readonly { lang: string; value: string }[], lang: string, fallback: { lang: string; value: string }): { lang: string; value: string } {
  const base = (code: string) => code.toLowerCase().split('-')[0];
  return translations.find((item) => base(item.lang) === lang) ?? translations.find((item) => base(item.lang) === 'en') ?? translations[0] ?? fallback;
}
