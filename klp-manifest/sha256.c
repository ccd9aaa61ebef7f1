// SPDX-License-Identifier: GPL-2.0
/* The SHA-256 of the module and of each patch, through OpenSSL's libcrypto. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "klp-manifest.h"
#include "util.h"

int sha256_file(const char *path, char hex[65], uint64_t *size)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f;
	unsigned int len = 0, i;
	size_t n;
	int ret = -1;

	*size = 0;
	errno = 0;
	f = fopen(path, "rb");
	if (!f || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		*size += n;
		if (!EVP_DigestUpdate(ctx, buf, n))
			goto out;
	}
	if (ferror(f) || !EVP_DigestFinal_ex(ctx, md, &len))
		goto out;
	for (i = 0; i < len && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	ret = 0;
out:
	if (ret)
		err_msg(path, "cannot read and hash it: %s; check that it exists and is readable",
			errno ? strerror(errno) : "digest failed");
	if (f)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return ret;
}
