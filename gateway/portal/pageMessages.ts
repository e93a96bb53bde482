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
}

const pages: Record<UiLanguage, PageMessages> = {
  en: {
    catalogue: 'Wharf data catalogue', intro: 'Datasets published by every region, searchable in one place.', regions: 'Regions', datasets: 'datasets', stale: 'last harvest failed; showing the last good copy',
    noScript: 'Search needs JavaScript; every dataset also has its own page under /datasets/.', back: 'Back to search', details: 'Details', identifier: 'Identifier', contact: 'Contact', license: 'Licence', keywords: 'Keywords', themes: 'Themes', spatial: 'Coverage', temporal: 'Period', periodicity: 'Frequency', issued: 'Published', landingPage: 'Web page', classification: 'Classification',
    access: 'Your access', decision: { ALLOW: 'You may read this dataset.', CONDITIONAL: 'You may read this dataset on conditions.', DENY: 'You may not read this dataset.' }, purpose: 'Purpose', policies: 'Deciding policies', obligations: 'Conditions', missing: 'What is missing',
    signedInAs: 'Decided for', anonymous: 'an anonymous visitor (sign in with a bearer token or API key)', distributions: 'Distributions', distributionTitle: 'Name', distributionLink: 'Access', notReadable: 'not available to you', quality: 'Metadata quality', lineage: 'Lineage',
    lineagePartial: 'Part of this graph may be missing: a region on it failed its last harvest', noLineage: 'No lineage is recorded for this dataset.', crossBorder: 'cross-border', restricted: 'Restricted dataset', notFound: 'No dataset has this id.', unavailable: 'The catalogue could not answer.',
  },
  zh: {
    catalogue: 'Wharf 数据目录', intro: '各地区发布的数据集，一处检索。', regions: '地区', datasets: '个数据集', stale: '最近一次采集失败；显示最后一份有效副本',
    noScript: '搜索需要 JavaScript；每个数据集在 /datasets/ 下也有自己的页面。', back: '返回搜索', details: '详情', identifier: '标识符', contact: '联系方式', license: '许可', keywords: '关键词', themes: '主题', spatial: '覆盖范围', temporal: '时间范围', periodicity: '更新频率', issued: '发布日期', landingPage: '网页', classification: '分级',
    access: '您的访问权限', decision: { ALLOW: '您可以读取此数据集。', CONDITIONAL: '您可以有条件地读取此数据集。', DENY: '您不能读取此数据集。' }, purpose: '目的', policies: '决定的策略', obligations: '条件', missing: '缺少的条件',
    signedInAs: '判定对象', anonymous: '匿名访问者（可使用令牌或 API 密钥登录）', distributions: '分发', distributionTitle: '名称', distributionLink: '获取', notReadable: '您无权获取', quality: '元数据质量', lineage: '数据血缘',
    lineagePartial: '此图可能不完整：图中某地区最近一次采集失败', noLineage: '此数据集没有血缘记录。', crossBorder: '跨境', restricted: '受限数据集', notFound: '没有此标识符的数据集。', unavailable: '数据目录暂时无法响应。',
  },
  vi: {
    catalogue: 'Danh mục dữ liệu Wharf', intro: 'Các bộ dữ liệu do mọi khu vực công bố, tìm kiếm tại một nơi.', regions: 'Khu vực', datasets: 'bộ dữ liệu', stale: 'lần thu thập gần nhất thất bại; hiển thị bản tốt gần nhất',
    noScript: 'Tìm kiếm cần JavaScript; mỗi bộ dữ liệu cũng có trang riêng trong /datasets/.', back: 'Quay lại tìm kiếm', details: 'Chi tiết', identifier: 'Mã định danh', contact: 'Liên hệ', license: 'Giấy phép', keywords: 'Từ khóa', themes: 'Chủ đề', spatial: 'Phạm vi', temporal: 'Thời kỳ', periodicity: 'Tần suất cập nhật', issued: 'Ngày công bố', landingPage: 'Trang web', classification: 'Phân loại',
    access: 'Quyền truy cập của bạn', decision: { ALLOW: 'Bạn được đọc bộ dữ liệu này.', CONDITIONAL: 'Bạn được đọc bộ dữ liệu này với điều kiện.', DENY: 'Bạn không được đọc bộ dữ liệu này.' }, purpose: 'Mục đích', policies: 'Chính sách quyết định', obligations: 'Điều kiện', missing: 'Còn thiếu',
    signedInAs: 'Quyết định cho', anonymous: 'khách ẩn danh (đăng nhập bằng token hoặc khóa API)', distributions: 'Bản phân phối', distributionTitle: 'Tên', distributionLink: 'Truy cập', notReadable: 'bạn không được truy cập', quality: 'Chất lượng siêu dữ liệu', lineage: 'Nguồn gốc dữ liệu',
    lineagePartial: 'Đồ thị có thể thiếu: một khu vực trong đó thu thập thất bại', noLineage: 'Bộ dữ liệu này chưa có thông tin nguồn gốc.', crossBorder: 'xuyên biên giới', restricted: 'Bộ dữ liệu hạn chế', notFound: 'Không có bộ dữ liệu với mã này.', unavailable: 'Danh mục không phản hồi.',
  },
  ms: {
    catalogue: 'Katalog data Wharf', intro: 'Set data yang diterbitkan oleh setiap wilayah, boleh dicari di satu tempat.', regions: 'Wilayah', datasets: 'set data', stale: 'penuaian terakhir gagal; menunjukkan salinan baik terakhir',
    noScript: 'Carian memerlukan JavaScript; setiap set data juga mempunyai halaman sendiri di bawah /datasets/.', back: 'Kembali ke carian', details: 'Butiran', identifier: 'Pengecam', contact: 'Hubungan', license: 'Lesen', keywords: 'Kata kunci', themes: 'Tema', spatial: 'Liputan', temporal: 'Tempoh', periodicity: 'Kekerapan kemas kini', issued: 'Diterbitkan', landingPage: 'Laman web', classification: 'Klasifikasi',
    access: 'Akses anda', decision: { ALLOW: 'Anda boleh membaca set data ini.', CONDITIONAL: 'Anda boleh membaca set data ini dengan syarat.', DENY: 'Anda tidak boleh membaca set data ini.' }, purpose: 'Tujuan', policies: 'Polisi yang memutuskan', obligations: 'Syarat', missing: 'Yang kurang',
    signedInAs: 'Diputuskan untuk', anonymous: 'pelawat tanpa nama (log masuk dengan token atau kunci API)', distributions: 'Pengedaran', distributionTitle: 'Nama', distributionLink: 'Akses', notReadable: 'tidak tersedia untuk anda', quality: 'Kualiti metadata', lineage: 'Salasilah data',
    lineagePartial: 'Sebahagian graf mungkin tiada: satu wilayah gagal dituai', noLineage: 'Tiada salasilah direkodkan untuk set data ini.', crossBorder: 'rentas sempadan', restricted: 'Set data terhad', notFound: 'Tiada set data dengan pengecam ini.', unavailable: 'Katalog tidak dapat menjawab.',
  },
  pt: {
    catalogue: 'Catálogo de dados Wharf', intro: 'Conjuntos de dados publicados por todas as regiões, pesquisáveis num só lugar.', regions: 'Regiões', datasets: 'conjuntos de dados', stale: 'a última recolha falhou; mostra-se a última cópia válida',
    noScript: 'A pesquisa precisa de JavaScript; cada conjunto de dados tem também a sua página em /datasets/.', back: 'Voltar à pesquisa', details: 'Detalhes', identifier: 'Identificador', contact: 'Contacto', license: 'Licença', keywords: 'Palavras-chave', themes: 'Temas', spatial: 'Cobertura', temporal: 'Período', periodicity: 'Atualização', issued: 'Publicado', landingPage: 'Página web', classification: 'Classificação',
    access: 'O seu acesso', decision: { ALLOW: 'Pode ler este conjunto de dados.', CONDITIONAL: 'Pode ler este conjunto de dados sob condições.', DENY: 'Não pode ler este conjunto de dados.' }, purpose: 'Finalidade', policies: 'Políticas que decidiram', obligations: 'Condições', missing: 'O que falta',
    signedInAs: 'Decidido para', anonymous: 'um visitante anónimo (entre com um token ou chave de API)', distributions: 'Distribuições', distributionTitle: 'Nome', distributionLink: 'Acesso', notReadable: 'não disponível para si', quality: 'Qualidade dos metadados', lineage: 'Linhagem',
    lineagePartial: 'Parte deste grafo pode faltar: uma região falhou a última recolha', noLineage: 'Não há linhagem registada para este conjunto de dados.', crossBorder: 'transfronteiriço', restricted: 'Conjunto de dados restrito', notFound: 'Não existe conjunto de dados com este identificador.', unavailable: 'O catálogo não conseguiu responder.',
  },
};

/** The page strings, and the component's, for a requested language (English when it is not one of them). */
export function pageMessagesFor(lang: string | null | undefined) {
  const { lang: chosen, text } = messagesFor(lang);
  return { lang: chosen, text, page: pages[chosen] };
}
