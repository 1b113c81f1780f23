// SPDX-License-Identifier: GPL-2.0
/*
 * first_write: its very first act is to write "alive\n" to stdout; then it
 * exits 0. A test that kills it at exec must see nothing on the pipe.
 */
#include <unistd.h>

int main(void)
{
	return write(1, "alive\n", 6) == 6 ? 0 : 1;
}
