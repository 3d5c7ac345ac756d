/* Placeholder: the native shim is being written (see PROTOCOL.md). */
#include <stdio.h>
int main(void) { fputs("vxcc: not built yet\n", stderr); return 1; }
