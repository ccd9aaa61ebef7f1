	.file "core.c"
	.text
	.globl __fentry__
	.type __fentry__,@function
__fentry__:
	ret
	.size __fentry__,1
	.globl __stack_chk_fail
	.type __stack_chk_fail,@function
__stack_chk_fail:
	ret
	.size __stack_chk_fail,1
	.globl __x86_return_thunk
	.type __x86_return_thunk,@function
__x86_return_thunk:
	ret
	.size __x86_return_thunk,1
	.globl klp_enable_patch
	.type klp_enable_patch,@function
klp_enable_patch:
	ret
	.size klp_enable_patch,1
	.globl ktime_get
	.type ktime_get,@function
ktime_get:
	ret
	.size ktime_get,1
	.globl print_tainted
	.type print_tainted,@function
print_tainted:
	ret
	.size print_tainted,1
	.globl seq_printf
	.type seq_printf,@function
seq_printf:
	ret
	.size seq_printf,1
	.globl simple_read_from_buffer
	.type simple_read_from_buffer,@function
simple_read_from_buffer:
	ret
	.size simple_read_from_buffer,1
	.data
	.globl saved_command_line
	.type saved_command_line,@object
saved_command_line:
	.quad 0
	.size saved_command_line,8
	.globl kernel_config_data
	.type kernel_config_data,@object
kernel_config_data:
	.quad 0
	.size kernel_config_data,8
	.globl kernel_config_data_end
	.type kernel_config_data_end,@object
kernel_config_data_end:
	.quad 0
	.size kernel_config_data_end,8
