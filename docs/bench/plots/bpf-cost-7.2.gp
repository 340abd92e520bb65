set terminal svg size 1636,460 noenhanced font 'sans,11' background '#ffffff'
set output 'bpf-cost-7.2.svg'
set title 'BPF time per operation, kernel 7.2'
set grid ytics
set ylabel 'ns per operation'
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.75 border -1
set key outside right top vertical
set yrange [0:*]
set bmargin 4
set xtics nomirror
plot 'bpf-cost-7.2.dat' using 3:4:5:xtic(strcol(1)."\n".strcol(2)) title 'lavd', \
     '' using 6:7:8 title 'lavd:--per-cpu-dsq', \
     '' using 9:10:11 title 'nest', \
     '' using 12:13:14 title 'pair', \
     '' using 15:16:17 title 'simple'
