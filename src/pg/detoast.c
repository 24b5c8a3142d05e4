/*
 * detoast.c — reading a large stored value in slices, so that a cancel is
 * noticed while it is read.
 *
 * PostgreSQL fetches an out-of-line value chunk by chunk without looking at
 * interrupts: 12 million stored events (385 MB) take one to three seconds to
 * fetch, during which a cancel waits.  An uncompressed out-of-line value
 * (storage EXTERNAL, or data that did not compress) can be fetched by byte
 * range, so it is read here a slice at a time with an interrupt check
 * between slices.  Compressed and in-line values are detoasted as usual: the
 * first must be decompressed from its start, the second are small.
 */
#include "safety_pg.h"

#include "access/detoast.h"
#include "miscadmin.h"
#include "utils/memutils.h"

/* 4 MB: about 2,000 chunks, a few milliseconds to fetch */
#define SP_SLICE ((int32) 4 * 1024 * 1024)

struct varlena *
sp_detoast(Datum d, const char *fname)
{
	struct varlena *attr = (struct varlena *) DatumGetPointer(d);
	struct varatt_external ext;
	struct varlena *out;
	int32		size;

	if (!VARATT_IS_EXTERNAL_ONDISK(attr))
		return PG_DETOAST_DATUM(d);
	VARATT_EXTERNAL_GET_POINTER(ext, attr);
	size = VARATT_EXTERNAL_GET_EXTSIZE(ext);
	if (VARATT_EXTERNAL_IS_COMPRESSED(ext) || size <= SP_SLICE)
		return PG_DETOAST_DATUM(d);
	out = sp_palloc_huge((Size) size + VARHDRSZ, fname, "the stored value");
	SET_VARSIZE(out, size + VARHDRSZ);
	for (int32 off = 0; off < size; off += SP_SLICE)
	{
		int32		len = Min(SP_SLICE, size - off);
		struct varlena *s;

		CHECK_FOR_INTERRUPTS();
		s = detoast_attr_slice(attr, off, len);
		if (VARSIZE_ANY_EXHDR(s) != (Size) len)
			ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
							errmsg("%s: stored value is corrupt", fname)));
		memcpy(VARDATA(out) + off, VARDATA_ANY(s), len);
		pfree(s);
	}
	return out;
}
