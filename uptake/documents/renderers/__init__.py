"""One renderer per format, each shared by every document: ``csvfile`` and ``xlsxfile`` write
exporters' rows, ``docxfile`` and ``pdffile`` lay out an ``OfficialDocument``."""
