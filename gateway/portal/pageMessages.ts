import { messagesFor, type UiLanguage } from './messages.ts';

/** Strings of the catalogue pages (the search component has its own, in `messages.ts`). */
export interface PageMessages {
  catalogue: string;
  intro: string;
  regions: string;
  datasets: string;
  stale: string;
  noScript: string;
  back: string;
  details: string;
  identifier: string;
  contact: string;
  license: string;
  keywords: string;
  themes: string;
  spatial: string;
  temporal: string;
  periodicity: string;
  issued: string;
  landingPage: string;
  classification: string;
  access: string;
  decision: Record<'ALLOW' | 'CONDITIONAL' | 'DENY', string>;
  purpose: string;
  policies: string;
  obligations: string;
  missing: string;
  signedInAs: string;
  anonymous: string;
  distributions: string;
  distributionTitle: string;
  distributionLink: string;
  notReadable: string;
  quality: string;
  lineage: string;
  lineagePartial: string;
  noLineage: string;
  crossBorder: string;
  restricted: string;
  notFound: string;
  unavailable: string;
  /** The home page's sections. */
  search: string;
  browseRegions: string;
  browseThemes: string;
  recent: string;
  /** `{n}`: the number of datasets the visitor may discover. */
  catalogueHolds: string;
  youMayOpen: string;
  /** `{who}`: the consumer. */
  youMayOpenIntro: string;
  noneToOpen: string;
  /** The lineage lists beside the picture. */
  upstream: string;
  downstream: string;
  noUpstream: string;
  noDownstream: string;
  externalDataset: string;
  pageNotFound: string;
  /** `{path}`: the address asked for. */
  pageNotFoundText: string;
  home: string;
  skipToContent: string;
  language: string;
  regionOf: string;
}

const pages: Record<UiLanguage, PageMessages> = {
  en: {
    catalogue: 'Wharf data catalogue', intro: 'Datasets published by every region, searchable in one place.', regions: 'Regions', datasets: 'datasets', stale: 'last harvest failed; showing the last good copy',
    noScript: 'Search needs JavaScript; every dataset also has its own page under /datasets/.', back: 'Back to search', details: 'Details', identifier: 'Identifier', contact: 'Contact', license: 'Licence', keywords: 'Keywords', themes: 'Themes', spatial: 'Coverage', temporal: 'Period', periodicity: 'Frequency', issued: 'Published', landingPage: 'Web page', classification: 'Classification',
    access: 'Your access', decision: { ALLOW: 'You may read this dataset.', CONDITIONAL: 'You may read this dataset on conditions.', DENY: 'You may not read this dataset.' }, purpose: 'Purpose', policies: 'Deciding policies', obligations: 'Conditions', missing: 'What is missing',
    signedInAs: 'Decided for', anonymous: 'an anonymous visitor (sign in with a bearer token or API key)', distributions: 'Distributions', distributionTitle: 'Name', distributionLink: 'Access', notReadable: 'not available to you', quality: 'Metadata quality', lineage: 'Lineage',
    lineagePartial: 'Part of this graph may be missing: a region on it failed its last harvest', noLineage: 'No lineage is recorded for this dataset.', crossBorder: 'cross-border', restricted: 'Restricted dataset', notFound: 'No dataset has this id.', unavailable: 'The catalogue could not answer.',
    search: 'Search', browseRegions: 'Browse by region', browseThemes: 'Browse by theme', recent: 'Recently updated', catalogueHolds: 'The catalogue holds {n} datasets you may find.', youMayOpen: 'What you may open', youMayOpenIntro: 'Decided for {who}: of the most recently updated datasets, you may read these.', noneToOpen: 'None of the most recently updated datasets is open to you.',
    upstream: 'Comes from', downstream: 'Feeds into', noUpstream: 'No recorded sources.', noDownstream: 'Nothing recorded derives from it.', externalDataset: 'outside every region', pageNotFound: 'Page not found', pageNotFoundText: 'There is no page at {path}.', home: 'Catalogue home', skipToContent: 'Skip to content', language: 'Language', regionOf: 'Region',
  },
  zh: {
    catalogue: 'Wharf 数据目录', intro: '各地区发布的数据集，一处检索。', regions: '地区', datasets: '个数据集', stale: '最近一次采集失败；显示最后一份有效副本',
    noScript: '搜索需要 JavaScript；每个数据集在 /datasets/ 下也有自己的页面。', back: '返回搜索', details: '详情', identifier: '标识符', contact: '联系方式', license: '许可', keywords: '关键词', themes: '主题', spatial: '覆盖范围', temporal: '时间范围', periodicity: '更新频率', issued: '发布日期', landingPage: '网页', classification: '分级',
    access: '您的访问权限', decision: { ALLOW: '您可以读取此数据集。', CONDITIONAL: '您可以有条件地读取此数据集。', DENY: '您不能读取此数据集。' }, purpose: '目的', policies: '决定的策略', obligations: '条件', missing: '缺少的条件',
    signedInAs: '判定对象', anonymous: '匿名访问者（可使用令牌或 API 密钥登录）', distributions: '分发', distributionTitle: '名称', distributionLink: '获取', notReadable: '您无权获取', quality: '元数据质量', lineage: '数据血缘',
    lineagePartial: '此图可能不完整：图中某地区最近一次采集失败', noLineage: '此数据集没有血缘记录。', crossBorder: '跨境', restricted: '受限数据集', notFound: '没有此标识符的数据集。', unavailable: '数据目录暂时无法响应。',
    search: '搜索', browseRegions: '按地区浏览', browseThemes: '按主题浏览', recent: '最近更新', catalogueHolds: '目录中有 {n} 个您可以查找的数据集。', youMayOpen: '您可以打开的数据集', youMayOpenIntro: '判定对象：{who}。在最近更新的数据集中，您可以读取以下数据集。', noneToOpen: '最近更新的数据集中没有您可以读取的。',
    upstream: '数据来源', downstream: '派生数据', noUpstream: '没有记录的来源。', noDownstream: '没有记录由其派生的数据。', externalDataset: '不属于任何地区', pageNotFound: '找不到页面', pageNotFoundText: '{path} 没有页面。', home: '目录首页', skipToContent: '跳到正文', language: '语言', regionOf: '地区',
  },
  vi: {
    catalogue: 'Danh mục dữ liệu Wharf', intro: 'Các bộ dữ liệu do mọi khu vực công bố, tìm kiếm tại một nơi.', regions: 'Khu vực', datasets: 'bộ dữ liệu', stale: 'lần thu thập gần nhất thất bại; hiển thị bản tốt gần nhất',
    noScript: 'Tìm kiếm cần JavaScript; mỗi bộ dữ liệu cũng có trang riêng trong /datasets/.', back: 'Quay lại tìm kiếm', details: 'Chi tiết', identifier: 'Mã định danh', contact: 'Liên hệ', license: 'Giấy phép', keywords: 'Từ khóa', themes: 'Chủ đề', spatial: 'Phạm vi', temporal: 'Thời kỳ', periodicity: 'Tần suất cập nhật', issued: 'Ngày công bố', landingPage: 'Trang web', classification: 'Phân loại',
    access: 'Quyền truy cập của bạn', decision: { ALLOW: 'Bạn được đọc bộ dữ liệu này.', CONDITIONAL: 'Bạn được đọc bộ dữ liệu này với điều kiện.', DENY: 'Bạn không được đọc bộ dữ liệu này.' }, purpose: 'Mục đích', policies: 'Chính sách quyết định', obligations: 'Điều kiện', missing: 'Còn thiếu',
    signedInAs: 'Quyết định cho', anonymous: 'khách ẩn danh (đăng nhập bằng token hoặc khóa API)', distributions: 'Bản phân phối', distributionTitle: 'Tên', distributionLink: 'Truy cập', notReadable: 'bạn không được truy cập', quality: 'Chất lượng siêu dữ liệu', lineage: 'Nguồn gốc dữ liệu',
    lineagePartial: 'Đồ thị có thể thiếu: một khu vực trong đó thu thập thất bại', noLineage: 'Bộ dữ liệu này chưa có thông tin nguồn gốc.', crossBorder: 'xuyên biên giới', restricted: 'Bộ dữ liệu hạn chế', notFound: 'Không có bộ dữ liệu với mã này.', unavailable: 'Danh mục không phản hồi.',
    search: 'Tìm kiếm', browseRegions: 'Xem theo khu vực', browseThemes: 'Xem theo chủ đề', recent: 'Mới cập nhật', catalogueHolds: 'Danh mục có {n} bộ dữ liệu bạn có thể tìm thấy.', youMayOpen: 'Dữ liệu bạn được mở', youMayOpenIntro: 'Quyết định cho {who}: trong các bộ dữ liệu mới cập nhật, bạn được đọc những bộ sau.', noneToOpen: 'Không có bộ dữ liệu mới cập nhật nào bạn được đọc.',
    upstream: 'Lấy từ', downstream: 'Dùng cho', noUpstream: 'Chưa ghi nhận nguồn.', noDownstream: 'Chưa ghi nhận dữ liệu nào lấy từ bộ này.', externalDataset: 'ngoài mọi khu vực', pageNotFound: 'Không tìm thấy trang', pageNotFoundText: 'Không có trang nào tại {path}.', home: 'Trang chủ danh mục', skipToContent: 'Chuyển đến nội dung', language: 'Ngôn ngữ', regionOf: 'Khu vực',
  },
  ms: {
    catalogue: 'Katalog data Wharf', intro: 'Set data yang diterbitkan oleh setiap wilayah, boleh dicari di satu tempat.', regions: 'Wilayah', datasets: 'set data', stale: 'penuaian terakhir gagal; menunjukkan salinan baik terakhir',
    noScript: 'Carian memerlukan JavaScript; setiap set data juga mempunyai halaman sendiri di bawah /datasets/.', back: 'Kembali ke carian', details: 'Butiran', identifier: 'Pengecam', contact: 'Hubungan', license: 'Lesen', keywords: 'Kata kunci', themes: 'Tema', spatial: 'Liputan', temporal: 'Tempoh', periodicity: 'Kekerapan kemas kini', issued: 'Diterbitkan', landingPage: 'Laman web', classification: 'Klasifikasi',
    access: 'Akses anda', decision: { ALLOW: 'Anda boleh membaca set data ini.', CONDITIONAL: 'Anda boleh membaca set data ini dengan syarat.', DENY: 'Anda tidak boleh membaca set data ini.' }, purpose: 'Tujuan', policies: 'Polisi yang memutuskan', obligations: 'Syarat', missing: 'Yang kurang',
    signedInAs: 'Diputuskan untuk', anonymous: 'pelawat tanpa nama (log masuk dengan token atau kunci API)', distributions: 'Pengedaran', distributionTitle: 'Nama', distributionLink: 'Akses', notReadable: 'tidak tersedia untuk anda', quality: 'Kualiti metadata', lineage: 'Salasilah data',
    lineagePartial: 'Sebahagian graf mungkin tiada: satu wilayah gagal dituai', noLineage: 'Tiada salasilah direkodkan untuk set data ini.', crossBorder: 'rentas sempadan', restricted: 'Set data terhad', notFound: 'Tiada set data dengan pengecam ini.', unavailable: 'Katalog tidak dapat menjawab.',
    search: 'Cari', browseRegions: 'Layari mengikut wilayah', browseThemes: 'Layari mengikut tema', recent: 'Terkini dikemas kini', catalogueHolds: 'Katalog mengandungi {n} set data yang boleh anda temui.', youMayOpen: 'Yang boleh anda buka', youMayOpenIntro: 'Diputuskan untuk {who}: antara set data terkini dikemas kini, anda boleh membaca yang berikut.', noneToOpen: 'Tiada set data terkini dikemas kini yang terbuka kepada anda.',
    upstream: 'Berasal daripada', downstream: 'Digunakan oleh', noUpstream: 'Tiada sumber direkodkan.', noDownstream: 'Tiada data direkodkan yang berasal daripadanya.', externalDataset: 'di luar semua wilayah', pageNotFound: 'Halaman tidak ditemui', pageNotFoundText: 'Tiada halaman di {path}.', home: 'Laman utama katalog', skipToContent: 'Langkau ke kandungan', language: 'Bahasa', regionOf: 'Wilayah',
  },
  pt: {
    catalogue: 'Catálogo de dados Wharf', intro: 'Conjuntos de dados publicados por todas as regiões, pesquisáveis num só lugar.', regions: 'Regiões', datasets: 'conjuntos de dados', stale: 'a última recolha falhou; mostra-se a última cópia válida',
    noScript: 'A pesquisa precisa de JavaScript; cada conjunto de dados tem também a sua página em /datasets/.', back: 'Voltar à pesquisa', details: 'Detalhes', identifier: 'Identificador', contact: 'Contacto', license: 'Licença', keywords: 'Palavras-chave', themes: 'Temas', spatial: 'Cobertura', temporal: 'Período', periodicity: 'Atualização', issued: 'Publicado', landingPage: 'Página web', classification: 'Classificação',
    access: 'O seu acesso', decision: { ALLOW: 'Pode ler este conjunto de dados.', CONDITIONAL: 'Pode ler este conjunto de dados sob condições.', DENY: 'Não pode ler este conjunto de dados.' }, purpose: 'Finalidade', policies: 'Políticas que decidiram', obligations: 'Condições', missing: 'O que falta',
    signedInAs: 'Decidido para', anonymous: 'um visitante anónimo (entre com um token ou chave de API)', distributions: 'Distribuições', distributionTitle: 'Nome', distributionLink: 'Acesso', notReadable: 'não disponível para si', quality: 'Qualidade dos metadados', lineage: 'Linhagem',
    lineagePartial: 'Parte deste grafo pode faltar: uma região falhou a última recolha', noLineage: 'Não há linhagem registada para este conjunto de dados.', crossBorder: 'transfronteiriço', restricted: 'Conjunto de dados restrito', notFound: 'Não existe conjunto de dados com este identificador.', unavailable: 'O catálogo não conseguiu responder.',
    search: 'Pesquisar', browseRegions: 'Explorar por região', browseThemes: 'Explorar por tema', recent: 'Atualizados recentemente', catalogueHolds: 'O catálogo tem {n} conjuntos de dados que pode encontrar.', youMayOpen: 'O que pode abrir', youMayOpenIntro: 'Decidido para {who}: dos conjuntos de dados atualizados mais recentemente, pode ler estes.', noneToOpen: 'Nenhum dos conjuntos de dados atualizados mais recentemente está aberto para si.',
    upstream: 'Provém de', downstream: 'Alimenta', noUpstream: 'Sem fontes registadas.', noDownstream: 'Nada registado deriva dele.', externalDataset: 'fora de todas as regiões', pageNotFound: 'Página não encontrada', pageNotFoundText: 'Não existe página em {path}.', home: 'Início do catálogo', skipToContent: 'Saltar para o conteúdo', language: 'Idioma', regionOf: 'Região',
  },
};

/** The page strings, and the component's, for a requested language (English when it is not one of them). */
export function pageMessagesFor(lang: string | null | undefined) {
  const { lang: chosen, text } = messagesFor(lang);
  return { lang: chosen, text, page: pages[chosen] };
}
