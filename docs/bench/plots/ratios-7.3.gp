set terminal svg size 3276,460 noenhanced font 'sans,11' background '#ffffff'
set output 'ratios-7.3.svg'
set title 'Ratio to the default scheduler, kernel 7.3'
set grid ytics
set ylabel 'ratio to default'
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.75 border -1
set key outside right top vertical
set yrange [0:*]
set bmargin 4
set xtics nomirror
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb '#444444' front
plot 'ratios-7.3.dat' using 3:4:5:xtic(strcol(1)."\n".strcol(2)) title 'lavd', \
     '' using 6:7:8 title 'lavd:--per-cpu-dsq', \
     '' using 9:10:11 title 'nest', \
     '' using 12:13:14 title 'pair', \
     '' using 15:16:17 title 'simple'
