/** Languages the search component and the catalogue pages speak. */
export const uiLanguages = ['en', 'zh', 'vi', 'ms', 'pt'] as const;
export type UiLanguage = (typeof uiLanguages)[number];

/** Every UI string, per language; `{n}` is replaced by a number. */
export interface Messages {
  label: string;
  placeholder: string;
  suggestions: string;
  results: string;
  oneResult: string;
  noResults: string;
  loading: string;
  error: string;
  retry: string;
  loadMore: string;
  filters: string;
  clearFilters: string;
  region: string;
  format: string;
  theme: string;
  publisher: string;
  modified: string;
  open: string;
  conditional: string;
  restricted: string;
  /** CONDITIONAL whose only condition is to credit the publisher. */
  openAttribution: string;
  /** CONDITIONAL on other conditions. */
  openConditions: string;
  /** DENY until the consumer's organisation holds a transfer mechanism. */
  needsMechanism: string;
  resultsLabel: string;
  sort: string;
  sortRelevance: string;
  sortModified: string;
  sortTitle: string;
}

export const messages: Record<UiLanguage, Messages> = {
  en: {
    label: 'Search the data catalogue',
    placeholder: 'Search datasets…',
    suggestions: 'Suggestions',
    results: '{n} datasets',
    oneResult: '1 dataset',
    noResults: 'No datasets match your search.',
    loading: 'Searching…',
    error: 'The catalogue could not be reached.',
    retry: 'Try again',
    loadMore: 'Show more',
    filters: 'Filters',
    clearFilters: 'Clear filters',
    region: 'Region',
    format: 'Format',
    theme: 'Theme',
    publisher: 'Publisher',
    modified: 'Updated',
    open: 'Open',
    conditional: 'Conditional',
    restricted: 'Restricted',
    openAttribution: 'Open with attribution',
    openConditions: 'Open on conditions',
    needsMechanism: 'Needs a transfer mechanism',
    resultsLabel: 'Search results',
    sort: 'Sort by',
    sortRelevance: 'Best match',
    sortModified: 'Recently updated',
    sortTitle: 'Title (A–Z)',
  },
  zh: {
    label: '搜索数据目录',
    placeholder: '搜索数据集…',
    suggestions: '建议',
    results: '共 {n} 个数据集',
    oneResult: '共 1 个数据集',
    noResults: '没有符合搜索条件的数据集。',
    loading: '正在搜索…',
    error: '无法连接数据目录。',
    retry: '重试',
    loadMore: '显示更多',
    filters: '筛选',
    clearFilters: '清除筛选',
    region: '地区',
    format: '格式',
    theme: '主题',
    publisher: '发布者',
    modified: '更新于',
    open: '开放',
    conditional: '有条件',
    restricted: '受限',
    openAttribution: '开放（需署名）',
    openConditions: '有条件开放',
    needsMechanism: '需要跨境传输机制',
    resultsLabel: '搜索结果',
    sort: '排序',
    sortRelevance: '最相关',
    sortModified: '最近更新',
    sortTitle: '标题（按字母）',
  },
  vi: {
    label: 'Tìm kiếm danh mục dữ liệu',
    placeholder: 'Tìm bộ dữ liệu…',
    suggestions: 'Gợi ý',
    results: '{n} bộ dữ liệu',
    oneResult: '1 bộ dữ liệu',
    noResults: 'Không có bộ dữ liệu nào phù hợp.',
    loading: 'Đang tìm…',
    error: 'Không thể kết nối tới danh mục.',
    retry: 'Thử lại',
    loadMore: 'Xem thêm',
    filters: 'Bộ lọc',
    clearFilters: 'Xóa bộ lọc',
    region: 'Khu vực',
    format: 'Định dạng',
    theme: 'Chủ đề',
    publisher: 'Đơn vị công bố',
    modified: 'Cập nhật',
    open: 'Mở',
    conditional: 'Có điều kiện',
    restricted: 'Hạn chế',
    openAttribution: 'Mở, cần ghi nguồn',
    openConditions: 'Mở có điều kiện',
    needsMechanism: 'Cần cơ chế chuyển dữ liệu',
    resultsLabel: 'Kết quả tìm kiếm',
    sort: 'Sắp xếp',
    sortRelevance: 'Phù hợp nhất',
    sortModified: 'Mới cập nhật',
    sortTitle: 'Tiêu đề (A–Z)',
  },
  ms: {
    label: 'Cari katalog data',
    placeholder: 'Cari set data…',
    suggestions: 'Cadangan',
    results: '{n} set data',
    oneResult: '1 set data',
    noResults: 'Tiada set data yang sepadan dengan carian anda.',
    loading: 'Mencari…',
    error: 'Katalog tidak dapat dihubungi.',
    retry: 'Cuba lagi',
    loadMore: 'Tunjuk lagi',
    filters: 'Penapis',
    clearFilters: 'Kosongkan penapis',
    region: 'Wilayah',
    format: 'Format',
    theme: 'Tema',
    publisher: 'Penerbit',
    modified: 'Dikemas kini',
    open: 'Terbuka',
    conditional: 'Bersyarat',
    restricted: 'Terhad',
    openAttribution: 'Terbuka dengan atribusi',
    openConditions: 'Terbuka dengan syarat',
    needsMechanism: 'Perlukan mekanisme pemindahan',
    resultsLabel: 'Hasil carian',
    sort: 'Susun mengikut',
    sortRelevance: 'Paling sepadan',
    sortModified: 'Terkini dikemas kini',
    sortTitle: 'Tajuk (A–Z)',
  },
  pt: {
    label: 'Pesquisar o catálogo de dados',
    placeholder: 'Pesquisar conjuntos de dados…',
    suggestions: 'Sugestões',
    results: '{n} conjuntos de dados',
    oneResult: '1 conjunto de dados',
    noResults: 'Nenhum conjunto de dados corresponde à pesquisa.',
    loading: 'A pesquisar…',
    error: 'Não foi possível contactar o catálogo.',
    retry: 'Tentar de novo',
    loadMore: 'Mostrar mais',
    filters: 'Filtros',
    clearFilters: 'Limpar filtros',
    region: 'Região',
    format: 'Formato',
    theme: 'Tema',
    publisher: 'Editor',
    modified: 'Atualizado',
    open: 'Aberto',
    conditional: 'Condicional',
    restricted: 'Restrito',
    openAttribution: 'Aberto com atribuição',
    openConditions: 'Aberto sob condições',
    needsMechanism: 'Requer mecanismo de transferência',
    resultsLabel: 'Resultados da pesquisa',
    sort: 'Ordenar por',
    sortRelevance: 'Mais relevantes',
    sortModified: 'Atualizados recentemente',
    sortTitle: 'Título (A–Z)',
  },
};

/** The messages for a BCP 47 tag (`zh-Hant` → `zh`), English when the language is not one of `uiLanguages`. */
export function messagesFor(lang: string | null | undefined): { lang: UiLanguage; text: Messages } {
  const base = (lang ?? '').toLowerCase().split('-')[0] as UiLanguage;
  const chosen = uiLanguages.includes(base) ? base : 'en';
  return { lang: chosen, text: messages[chosen] };
}

/** "{n} datasets" in the language of `text`, with the number formatted for it. */
export function countText(text: Messages, n: number, lang: UiLanguage): string {
  return n === 1 ? text.oneResult : text.results.replace('{n}', n.toLocaleString(lang));
}
