/* xmllib.h -- libxml2 mapped by fathom merge when it first reads XML, not linked into every scan. */
#ifndef FATHOM_XMLLIB_H
#define FATHOM_XMLLIB_H

#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

/*
 * The libxml2 calls merge_xml.c makes, through a table filled by
 * xmllib_load() (netstack/base/dynlib.h: a scan never maps libxml2 and
 * ICU, about 2 MB of RSS). Include this after libxml's headers, and
 * call no libxml2 function before xmllib_load() returned 0. xmlFree is
 * not among them: libxml2 defines it as a macro or a variable by build,
 * so attributes are read in place (merge_xml.c's prop()).
 */
/* clang-format off */
#define XMLLIB_FNS(X)                                                   \
	X(xmlAddChild) X(xmlCopyDoc) X(xmlDocCopyNode)                  \
	X(xmlDocGetRootElement) X(xmlFreeDoc) X(xmlFreeNode)            \
	X(xmlGetLastError) X(xmlGetLineNo) X(xmlNewChild)               \
	X(xmlNodeSetContent) X(xmlReadMemory) X(xmlSaveFormatFileEnc)   \
	X(xmlSetProp) X(xmlUnlinkNode)
/* clang-format on */
#define XMLLIB_FIELD(f) __typeof__(f) *f;

union xmllib {
	struct {
		XMLLIB_FNS(XMLLIB_FIELD)
	} f;
	void *v[1]; /* dynlib_load() fills it as an array */
};
extern union xmllib xmllib;

/* Maps libxml2 once; 0, or -1 with a one-line err. */
int xmllib_load(char *err, size_t errlen);

#define xmlAddChild (xmllib.f.xmlAddChild)
#define xmlCopyDoc (xmllib.f.xmlCopyDoc)
#define xmlDocCopyNode (xmllib.f.xmlDocCopyNode)
#define xmlDocGetRootElement (xmllib.f.xmlDocGetRootElement)
#define xmlFreeDoc (xmllib.f.xmlFreeDoc)
#define xmlFreeNode (xmllib.f.xmlFreeNode)
#define xmlGetLastError (xmllib.f.xmlGetLastError)
#define xmlGetLineNo (xmllib.f.xmlGetLineNo)
#define xmlNewChild (xmllib.f.xmlNewChild)
#define xmlNodeSetContent (xmllib.f.xmlNodeSetContent)
#define xmlReadMemory (xmllib.f.xmlReadMemory)
#define xmlSaveFormatFileEnc (xmllib.f.xmlSaveFormatFileEnc)
#define xmlSetProp (xmllib.f.xmlSetProp)
#define xmlUnlinkNode (xmllib.f.xmlUnlinkNode)

#endif
